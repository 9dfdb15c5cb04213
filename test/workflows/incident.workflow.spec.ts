import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { incidentWorkflow, ticketWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/ticket/messages';
import { queryOpened } from '../support/sealed-rows';
import { ticketEvents, ticketInput } from '../support/tickets';
import {
  acknowledgeIncidentUpdate,
  alertGroupQuery,
  closeIncidentUpdate,
  incidentPriorityUpdate,
  incidentStatusQuery,
  linkTicketUpdate,
  resolveIncidentUpdate,
  reviewIncidentUpdate,
} from '../../src/workflows/incident/messages';
import { CaseKind, CaseStatus, Priority, Service, SlaBreached } from '../../src/workflows/search-attributes';
import { startPagerDutyFake } from '../fakes/pagerduty-events';
import { useWorkerStack } from '../support/harness';
import { alert, sendAlert, testIncidentPolicy } from '../support/incidents';
import { waitFor } from '../support/wait-for';

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

describe('incidents from alerts, paging through PagerDuty Events v2', () => {
  const stack = useWorkerStack(({ pd }) => ({ PAGERDUTY_EVENTS_URL: pd.url, PAGERDUTY_ROUTING_KEY: pd.routingKey }), { label: 'incident', fakes: { pd: startPagerDutyFake } });
  const { taskQueue } = stack;

  const incidentHandle = (id: string) => stack.client.workflow.getHandle<typeof incidentWorkflow>(id);
  const pagesAtFake = (incidentId: string) => [...stack.fakes.pd.incidents().values()].filter((a) => a.dedupKey.startsWith(`${incidentId}:page:`));

  it('1,000 concurrent alerts with one fingerprint make one incident counting 1,000 alerts, paged once', async () => {
    const service = `checkout-${Date.now()}`;
    let groupId = '';
    await pool(Array.from({ length: 1000 }, (_, i) => i), 32, async () => {
      groupId = await sendAlert(stack.client, taskQueue, alert({ service }));
    });
    const group = stack.client.workflow.getHandle(groupId);
    const incidentId = await waitFor(async () => (await group.query(alertGroupQuery)).incidentId ?? undefined, { what: 'an incident' });
    const view = await waitFor(async () => {
      const v = await incidentHandle(incidentId).query(incidentStatusQuery);
      return v.alertCount === 1000 ? v : undefined;
    }, { what: 'alert count 1000' });
    expect(view.priority).toBe('P1');
    expect((await group.query(alertGroupQuery)).incidentsOpened).toEqual([incidentId]);
    await waitFor(() => pagesAtFake(incidentId).length >= 1, { what: 'first page at PagerDuty' });
    expect(pagesAtFake(incidentId).map((a) => [a.dedupKey, a.openings])).toContainEqual([`${incidentId}:page:0`, 1]);
    const attributes = (await incidentHandle(incidentId).describe()).typedSearchAttributes;
    expect(attributes.get(CaseKind)).toBe('incident');
    expect(attributes.get(Priority)).toBe('P1');
    await incidentHandle(incidentId).executeUpdate(acknowledgeIncidentUpdate, { args: [{ actor: 'sre-ana' }] });
  });

  it('below the threshold there is no incident; crossing it opens one', async () => {
    const service = `search-${Date.now()}`;
    let groupId = '';
    for (let i = 0; i < 4; i++) groupId = await sendAlert(stack.client, taskQueue, alert({ service }));
    const group = stack.client.workflow.getHandle(groupId);
    await waitFor(async () => (await group.query(alertGroupQuery)).alertsTotal === 4, { what: 'four alerts counted' });
    expect((await group.query(alertGroupQuery)).incidentId).toBeNull();
    await sendAlert(stack.client, taskQueue, alert({ service }));
    const incidentId = await waitFor(async () => (await group.query(alertGroupQuery)).incidentId ?? undefined, { what: 'an incident' });
    expect((await incidentHandle(incidentId).query(incidentStatusQuery)).alertCount).toBe(5);
    await incidentHandle(incidentId).executeUpdate(acknowledgeIncidentUpdate, { args: [{ actor: 'sre-ana' }] });
  });

  it('pages the next level when nobody acknowledges, stops on acknowledgement, and survives pager errors', async () => {
    stack.fakes.pd.failNext(2, 500); // the first page is retried under the same dedup key
    // The acknowledgement comes after two ack timeouts (2 s each), so this incident's response
    // target must outlast them; the test policy's 2 s P1 target would make "met" a race.
    const policy = testIncidentPolicy();
    policy.priorities.P1.targets.firstResponse = 60_000;
    const groupId = await sendAlert(stack.client, taskQueue, alert({ service: `edge-${Date.now()}`, count: 5 }), policy);
    const incidentId = await waitFor(async () => (await stack.client.workflow.getHandle(groupId).query(alertGroupQuery)).incidentId ?? undefined, { what: 'an incident' });
    const h = incidentHandle(incidentId);
    await waitFor(() => pagesAtFake(incidentId).length === 2, { what: 'level 2 paged after the ack timeout' });
    const view = await h.executeUpdate(acknowledgeIncidentUpdate, { args: [{ actor: 'sre-lead' }] });
    expect(view.status).toBe('acknowledged');
    expect(view.sla.firstResponse?.state).toBe('met');
    await waitFor(() => pagesAtFake(incidentId).every((a) => a.state === 'acknowledged'), { what: 'pages acknowledged at PagerDuty' });
    expect(pagesAtFake(incidentId).map((a) => a.openings)).toEqual([1, 1]);
    // The level-2 row is written by sendPage after PagerDuty answered it, possibly after the
    // acknowledgement (which only waits for the pager calls): wait for both rows.
    const rows = await waitFor(async () => {
      const found: { dedup_key: string; paged: string[]; response: { status: string } }[] = await stack.ds.query(`SELECT dedup_key, paged, response FROM pages WHERE incident_id = $1 ORDER BY step`, [incidentId]);
      return found.length >= 2 ? found : undefined;
    }, { what: 'both page rows' });
    expect(rows.map((r) => r.response.status)).toEqual(['success', 'success']);
    expect(rows[1].paged).toEqual(['sre-lead']);
  });

  it('an acknowledgement after the first page stops the ladder: the second step is never paged', async () => {
    // This incident's own ladder: level 2 is due 5 s after the trigger, time enough to acknowledge
    // after the first page. The mitigation deadline (8 s) wakes the workflow after that step was due.
    const policy = testIncidentPolicy();
    policy.escalation = { levels: [{ targets: ['rotation:sre-primary'], ackTimeoutMs: 5_000 }, { targets: ['user:sre-lead'], ackTimeoutMs: 5_000 }], loops: 1 };
    policy.priorities.P1.targets.firstResponse = 60_000;
    policy.priorities.P1.targets.mitigation = 8_000;
    const groupId = await sendAlert(stack.client, taskQueue, alert({ service: `ack-stop-${Date.now()}`, count: 5 }), policy);
    const incidentId = await waitFor(async () => (await stack.client.workflow.getHandle(groupId).query(alertGroupQuery)).incidentId ?? undefined, { what: 'an incident' });
    const h = incidentHandle(incidentId);
    await waitFor(() => pagesAtFake(incidentId).length === 1, { what: 'first page at PagerDuty' });
    const acked = await h.executeUpdate(acknowledgeIncidentUpdate, { args: [{ actor: 'sre-ana' }] });
    const secondDueAt = Date.parse(acked.pages[1].dueAt);
    expect(acked.pages.map((p) => p.state)).toEqual(['sent', 'cancelled']);
    expect(Date.parse(acked.acknowledgedAt!)).toBeLessThan(secondDueAt); // the ack really came before level 2 was due
    // The workflow's own clock: the mitigation breach is a wake-up after level 2's due time.
    const later = await waitFor(async () => {
      const v = await h.query(incidentStatusQuery);
      return v.sla.mitigation?.state === 'breached' ? v : undefined;
    }, { what: 'mitigation breach, after the second step was due' });
    expect(Date.parse(later.sla.mitigation!.breachedAt!)).toBeGreaterThan(secondDueAt);
    expect(later.pages.map((p) => [p.step, p.state])).toEqual([[0, 'sent'], [1, 'cancelled']]);
    const triggers = stack.fakes.pd.received.filter((e) => e.body?.event_action === 'trigger' && String(e.body.dedup_key).startsWith(`${incidentId}:page:`));
    expect(triggers.map((e) => e.body!.dedup_key)).toEqual([`${incidentId}:page:0`]);
    expect(pagesAtFake(incidentId).map((a) => [a.dedupKey, a.state, a.openings])).toEqual([[`${incidentId}:page:0`, 'acknowledged', 1]]);
    const rows: { step: number }[] = await stack.ds.query(`SELECT step FROM pages WHERE incident_id = $1`, [incidentId]);
    expect(rows.map((r) => r.step)).toEqual([0]);
  });

  it('a P3 does not page; raised to P1 before anyone acknowledged, it pages at once', async () => {
    const groupId = await sendAlert(stack.client, taskQueue, alert({ service: `drm-${Date.now()}`, kind: 'drm_license_failure' }));
    const incidentId = await waitFor(async () => (await stack.client.workflow.getHandle(groupId).query(alertGroupQuery)).incidentId ?? undefined, { what: 'an incident' });
    const h = incidentHandle(incidentId);
    const before = await h.query(incidentStatusQuery);
    expect([before.priority, before.pages]).toEqual(['P3', []]);
    await h.executeUpdate(incidentPriorityUpdate, { args: [{ actor: 'sre-ana', priority: 'P1', reason: 'all DRM licences failing' }] });
    await waitFor(() => pagesAtFake(incidentId).length === 1, { what: 'first page after the raise' });
    await h.executeUpdate(acknowledgeIncidentUpdate, { args: [{ actor: 'sre-ana' }] });
  });

  it('auto-resolves after silence; the next alert with the same fingerprint opens a new incident', async () => {
    const service = `cdn-${Date.now()}`;
    const groupId = await sendAlert(stack.client, taskQueue, alert({ service, kind: 'custom_probe', severity: 'warning' }));
    const first = await waitFor(async () => (await stack.client.workflow.getHandle(groupId).query(alertGroupQuery)).incidentId ?? undefined, { what: 'an incident' });
    const resolved = await waitFor(async () => {
      const v = await incidentHandle(first).query(incidentStatusQuery);
      return v.status === 'resolved' ? v : undefined;
    }, { what: 'auto-resolve after 3 s of silence' });
    expect(resolved.resolvedBy).toBe('system');
    await sendAlert(stack.client, taskQueue, alert({ service, kind: 'custom_probe', severity: 'warning' }));
    const second = await waitFor(async () => {
      const id = (await stack.client.workflow.getHandle(groupId).query(alertGroupQuery).catch(() => undefined))?.incidentId;
      return id && id !== first ? id : undefined;
    }, { what: 'a second incident' });
    expect(second).not.toBe(first);
  });

  it('a P1 whose alerts clear before its first page still pages, then resolves at the pager (a worker lagging its alerts)', async () => {
    // The incident's paging plan waits on an activity (the brand's escalation policy). Holding
    // that table locked keeps the plan, and so the first page, behind the alert group's quiet
    // period, as a worker minutes behind its alerts does. This P1's quiet period: 3 s.
    const policy = testIncidentPolicy();
    // A copy: the pinned policy shares its rules with the pack every other test pins.
    policy.alerting = { ...policy.alerting, rules: policy.alerting.rules.map((r) => (r.kind === 'http_5xx' ? { ...r, autoResolveAfterMs: 3_000 } : r)) };
    // Only the first step is due by then; the second (a minute on) is not, and never goes out.
    policy.escalation = { levels: [{ targets: ['rotation:sre-primary'], ackTimeoutMs: 60_000 }, { targets: ['user:sre-lead'], ackTimeoutMs: 60_000 }], loops: 1 };
    const lock = stack.ds.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    let locked = true;
    try {
      await lock.query('LOCK TABLE escalation_policies IN ACCESS EXCLUSIVE MODE');
      const groupId = await sendAlert(stack.client, taskQueue, alert({ service: `lagged-${randomUUID().slice(0, 8)}`, count: 5 }), policy);
      const group = stack.client.workflow.getHandle(groupId);
      const incidentId = await waitFor(async () => (await group.query(alertGroupQuery)).incidentId ?? undefined, { what: 'an incident' });
      // The group has sent its "cleared" signal once it let go of the incident (and ended).
      await waitFor(async () => (await group.query(alertGroupQuery)).incidentId === null, { what: 'the alert group clearing after 3 s of silence' });
      const before = await incidentHandle(incidentId).query(incidentStatusQuery);
      expect([before.status, before.pages]).toEqual(['triggered', []]); // the race is real: no plan yet
      await lock.commitTransaction();
      locked = false;

      const resolved = await waitFor(async () => {
        const v = await incidentHandle(incidentId).query(incidentStatusQuery);
        return v.status === 'resolved' ? v : undefined;
      }, { what: 'the auto-resolve' });
      expect(resolved.resolvedBy).toBe('system');
      expect(resolved.pages.map((p) => [p.step, p.state])).toEqual([[0, 'sent'], [1, 'cancelled']]);
      // The on-call was paged once, and the same alert was resolved at the pager.
      await waitFor(() => pagesAtFake(incidentId).some((a) => a.state === 'resolved'), { what: 'the page resolved at PagerDuty' });
      expect(pagesAtFake(incidentId).map((a) => [a.dedupKey, a.state, a.openings])).toEqual([[`${incidentId}:page:0`, 'resolved', 1]]);
      const events: { type: string }[] = await waitFor(async () => {
        const found: { type: string }[] = await stack.ds.query(`SELECT type FROM incident_events WHERE incident_id = $1 AND type IN ('triggered', 'paged', 'resolved') ORDER BY id`, [incidentId]);
        return found.length >= 3 ? found : undefined;
      }, { what: 'the triggered, paged and resolved events' });
      expect(events.map((e) => e.type)).toEqual(['triggered', 'paged', 'resolved']);
    } finally {
      if (locked) await lock.rollbackTransaction();
      await lock.release();
    }
  });

  it('records a mitigation breach at the deadline when an acknowledged P1 is not mitigated in time', async () => {
    const policy = testIncidentPolicy();
    policy.priorities.P1.targets.firstResponse = 60_000; // the ack must not race a 2 s window on a loaded machine
    const groupId = await sendAlert(stack.client, taskQueue, alert({ service: `origin-${Date.now()}`, count: 5 }), policy);
    const incidentId = await waitFor(async () => (await stack.client.workflow.getHandle(groupId).query(alertGroupQuery)).incidentId ?? undefined, { what: 'an incident' });
    const h = incidentHandle(incidentId);
    await h.executeUpdate(acknowledgeIncidentUpdate, { args: [{ actor: 'sre-ana' }] });
    const view = await waitFor(async () => {
      const v = await h.query(incidentStatusQuery);
      return v.sla.mitigation?.state === 'breached' ? v : undefined;
    }, { what: 'mitigation breach (6 s test window)' });
    expect(view.sla.firstResponse?.state).toBe('met');
    expect(Date.parse(view.sla.mitigation!.breachedAt!)).toBeGreaterThanOrEqual(Date.parse(view.sla.mitigation!.deadlineAt!));
    expect(view.slaBreached).toBe(true);
    // The event row is written by an activity after the state the query shows: wait for it.
    const rows = await waitFor(async () => {
      const found: { data: { metric: string } }[] = await stack.ds.query(`SELECT data FROM incident_events WHERE incident_id = $1 AND type = 'sla_breached'`, [incidentId]);
      return found.length ? found : undefined;
    }, { what: 'the sla_breached event row' });
    expect(rows.map((r) => r.data.metric)).toEqual(['mitigation']);
  });

  it('escalates a missed acknowledgement and a missed mitigation once each to the pack\'s breach target; the search attributes show it', async () => {
    const service = `ingest-${randomUUID().slice(0, 8)}`;
    const policy = testIncidentPolicy(); // P1: acknowledgement 2 s, mitigation 6 s; breachEscalateTo sre-manager
    expect(policy.breachEscalateTo).toBe('sre-manager');
    const groupId = await sendAlert(stack.client, taskQueue, alert({ service, count: 5 }), policy);
    const incidentId = await waitFor(async () => (await stack.client.workflow.getHandle(groupId).query(alertGroupQuery)).incidentId ?? undefined, { what: 'an incident' });
    const h = incidentHandle(incidentId);
    const notified = await waitFor(async () => {
      const rows = await queryOpened<{ key: string; kind: string; level: string; recipient: string; payload: { metric: string } }>(
        stack.ds,
        `SELECT key, kind, level, recipient, payload FROM notifications WHERE ticket_id = $1 AND kind = 'sla_escalation' ORDER BY created_at`,
        [incidentId],
      );
      return rows.length === 2 ? rows : undefined;
    }, { what: 'acknowledgement and mitigation breaches escalated (2 s / 6 s test windows)' });
    expect(notified.map((r) => [r.key, r.level, r.recipient, r.payload.metric])).toEqual([
      [`${incidentId}:firstResponse:breach-escalation`, 'manager', 'sre-manager', 'firstResponse'],
      [`${incidentId}:mitigation:breach-escalation`, 'manager', 'sre-manager', 'mitigation'],
    ]);
    // The notification and the event are written by two activities in parallel: wait for both events.
    const events = await waitFor(async () => {
      const found: { type: string; data: { metric: string; escalatedTo: string } }[] = await stack.ds.query(
        `SELECT type, data FROM incident_events WHERE incident_id = $1 AND type IN ('sla_breached', 'sla_breach_escalated') ORDER BY id`,
        [incidentId],
      );
      return found.filter((e) => e.type === 'sla_breach_escalated').length >= 2 ? found : undefined;
    }, { what: 'both sla_breach_escalated events' });
    expect(events.filter((e) => e.type === 'sla_breach_escalated').map((e) => [e.data.metric, e.data.escalatedTo])).toEqual([
      ['firstResponse', 'sre-manager'],
      ['mitigation', 'sre-manager'],
    ]);
    expect(events.filter((e) => e.type === 'sla_breached').map((e) => e.data.metric)).toEqual(['firstResponse', 'mitigation']);

    // Search attributes an SRE filters on in the Temporal UI.
    const attributes = await waitFor(async () => {
      const a = (await h.describe()).typedSearchAttributes;
      return a.get(SlaBreached) === true ? a : undefined;
    }, { what: 'SlaBreached search attribute' });
    expect(attributes.get(CaseKind)).toBe('incident');
    expect(attributes.get(Service)).toEqual([service]);
    expect(attributes.get(CaseStatus)).toBe('triggered');
    await h.executeUpdate(acknowledgeIncidentUpdate, { args: [{ actor: 'sre-ana' }] });
    const acknowledged = await waitFor(async () => {
      const a = (await h.describe()).typedSearchAttributes;
      return a.get(CaseStatus) === 'acknowledged' ? a : undefined;
    }, { what: 'CaseStatus acknowledged' });
    expect(acknowledged.get(SlaBreached)).toBe(true);
    // Still one escalation per metric.
    const again: { n: string }[] = await stack.ds.query(`SELECT count(*) AS n FROM notifications WHERE ticket_id = $1 AND kind = 'sla_escalation'`, [incidentId]);
    expect(Number(again[0].n)).toBe(2);
  });

  it('resolving an incident updates and resolves each linked ticket through its own workflow', async () => {
    const ticket = ticketInput({ priority: 'P3' }, { firstResponse: 60_000 });
    const ticketHandle = await stack.client.workflow.start(ticketWorkflow, { workflowId: ticket.ticketId, taskQueue, args: [ticket] });
    const groupId = await sendAlert(stack.client, taskQueue, alert({ service: `login-${Date.now()}`, count: 5 }));
    const incidentId = await waitFor(async () => (await stack.client.workflow.getHandle(groupId).query(alertGroupQuery)).incidentId ?? undefined, { what: 'an incident' });
    const h = incidentHandle(incidentId);
    expect((await h.executeUpdate(linkTicketUpdate, { args: [{ actor: 'agent-bo', ticketId: ticket.ticketId }] })).linkedTickets).toEqual([ticket.ticketId]);
    await h.executeUpdate(resolveIncidentUpdate, { args: [{ actor: 'sre-ana', summary: 'login service restored' }] });
    const resolved = await waitFor(async () => {
      const v = await ticketHandle.query(statusQuery);
      return v.status === 'resolved' ? v : undefined;
    }, { what: 'linked ticket resolved' });
    expect(resolved.sla.firstResponse?.state).toBe('met');
    const resolvedEvent = await waitFor(async () => (await ticketEvents(stack.ds, ticket.ticketId)).find((e) => e.type === 'resolved'), { what: 'resolved event recorded' });
    expect(resolvedEvent.actor).toBe('system');
    expect(resolvedEvent.data.incidentId).toBe(incidentId);
    expect((await ticketEvents(stack.ds, ticket.ticketId)).map((e) => e.type)).toContain('incident_update');
  });

  it('reminds the owner before a P1 review is due and escalates to the manager when it is overdue', async () => {
    const groupId = await sendAlert(stack.client, taskQueue, alert({ service: `billing-${Date.now()}`, count: 5 }));
    const incidentId = await waitFor(async () => (await stack.client.workflow.getHandle(groupId).query(alertGroupQuery)).incidentId ?? undefined, { what: 'an incident' });
    const h = incidentHandle(incidentId);
    await h.executeUpdate(acknowledgeIncidentUpdate, { args: [{ actor: 'sre-ben' }] });
    const resolved = await h.executeUpdate(resolveIncidentUpdate, { args: [{ actor: 'sre-ben', summary: 'fixed' }] });
    expect(Date.parse(resolved.reviewDueAt!) - Date.parse(resolved.resolvedAt!)).toBe(4_000);
    const sent = await waitFor(async () => {
      const rows = await queryOpened<{ kind: string; recipient: string; created_at: Date }>(stack.ds, `SELECT kind, recipient, created_at FROM notifications WHERE ticket_id = $1 ORDER BY created_at`, [incidentId]);
      return rows.length === 2 ? rows : undefined;
    }, { what: 'reminder and overdue escalation' });
    expect(sent.map((r) => [r.kind, r.recipient])).toEqual([
      ['review_reminder', 'sre-ben'],
      ['review_overdue', 'incident-manager'],
    ]);
    expect(sent[1].created_at.getTime()).toBeGreaterThanOrEqual(Date.parse(resolved.reviewDueAt!));
  });

  it('a P1 cannot close without a post-incident review', async () => {
    const groupId = await sendAlert(stack.client, taskQueue, alert({ service: `api-${Date.now()}`, count: 5 }));
    const incidentId = await waitFor(async () => (await stack.client.workflow.getHandle(groupId).query(alertGroupQuery)).incidentId ?? undefined, { what: 'an incident' });
    const h = incidentHandle(incidentId);
    await h.executeUpdate(resolveIncidentUpdate, { args: [{ actor: 'sre-ana', summary: 'rolled back' }] });
    const refused = await h.executeUpdate(closeIncidentUpdate, { args: [{ actor: 'sre-ana' }] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((refused as WorkflowUpdateFailedError).cause as ApplicationFailure).message).toMatch(/post-incident review/);
    const badReview = await h
      .executeUpdate(reviewIncidentUpdate, {
        args: [{ actor: 'sre-ana', review: { summary: 'x', rootCauseCategory: 'infrastructure', impact: { minutes: 1, affectedUsers: 1 }, correctiveActions: [], costImpact: { amountMinor: 0, currency: 'USD' } } }],
      })
      .catch((e: unknown) => e);
    expect(((badReview as WorkflowUpdateFailedError).cause as ApplicationFailure).details?.[0]).toEqual({ field: 'review.correctiveActions' });
    const reviewed = await h.executeUpdate(reviewIncidentUpdate, {
      args: [
        {
          actor: 'sre-ana',
          review: {
            summary: 'bad deploy',
            rootCauseCategory: 'product_bug',
            impact: { minutes: 42, affectedUsers: 18_000 },
            correctiveActions: [
              { action: 'canary deploys', owner: 'team-play', due: '2026-12-15' },
              { action: 'alert on origin 5xx', owner: 'sre', due: '2026-12-01' },
            ],
            costImpact: { amountMinor: 125000, currency: 'USD' },
          },
        },
      ],
    });
    expect(reviewed.status).toBe('review_pending');
    const backlog: { key: string; triage_owner: string; triage_by: Date }[] = await stack.ds.query(`SELECT key, triage_owner, triage_by FROM backlog_items WHERE incident_id = $1 ORDER BY key`, [incidentId]);
    expect(backlog.map((b) => [b.key, b.triage_owner])).toEqual([
      [`${incidentId}:action:0`, 'product-triage'],
      [`${incidentId}:action:1`, 'product-triage'],
    ]);
    const fourteenDays = 14 * 86_400_000;
    expect(Math.abs(backlog[0].triage_by.getTime() - (Date.parse(reviewed.review!.at) + fourteenDays))).toBeLessThan(1_000);
    expect((await h.executeUpdate(closeIncidentUpdate, { args: [{ actor: 'sre-ana' }] })).status).toBe('closed');
    // A page still in flight when the incident was resolved is resolved at the pager and recorded
    // ('paged') by the run loop, after the updates answered: wait for both.
    const expectedTypes = ['triggered', 'paged', 'resolved', 'reviewed', 'closed'];
    const types = await waitFor(async () => {
      const found: { type: string }[] = await stack.ds.query(`SELECT type FROM incident_events WHERE incident_id = $1 ORDER BY id`, [incidentId]);
      const seen = found.map((t) => t.type);
      return expectedTypes.every((t) => seen.includes(t)) && pagesAtFake(incidentId).every((a) => a.state === 'resolved') ? found : undefined;
    }, { what: 'the paged event and the pages resolved at PagerDuty' });
    expect(pagesAtFake(incidentId).every((a) => a.state === 'resolved')).toBe(true);
    expect(types.map((t) => t.type)).toEqual(expect.arrayContaining(expectedTypes));
  });
});
