import { isoWeekOf } from '../../src/domain/reporting/iso-week';
import { useApiStack } from '../support/harness';
import { waitFor } from '../support/wait-for';

/** Alerts, incidents and on-call over HTTP, as monitors and SREs use them (built-in pager). */
describe('incidents over HTTP', () => {
  const stack = useApiStack({}, { label: 'incidents-e2e', keys: ['client', 'agent', 'sre'] });
  const { keys } = stack;
  const http: typeof stack.http = (...args) => stack.http(...args);

  const incidentFor = (fingerprint: string) =>
    waitFor(async () => {
      const rows: { id: string }[] = await stack.ds.query(`SELECT id FROM incidents WHERE fingerprint = $1`, [fingerprint]);
      return rows[0]?.id;
    }, { what: `incident for ${fingerprint}` });

  it('opens a P1 from repeated 5xx alerts and pages the on-call person of the rotation', async () => {
    const put = await http('PUT', '/v1/oncall/rotations/sre-primary', {
      key: keys.sre,
      body: { participants: ['ana', 'ben'], startsAt: new Date(Date.now() - 3_600_000).toISOString(), shift: '1d' },
    });
    expect(put.status).toBe(200);
    const service = `playback-${Date.now()}`;
    let fingerprint = '';
    for (let i = 0; i < 5; i++) {
      const res = await http('POST', '/v1/alerts', {
        key: keys.sre,
        body: { brand: 'uoozee', source: 'prometheus', kind: 'HTTP_5XX', service, region: 'eu-west-1', summary: 'playback-api 5xx above 2 %', severity: 'critical' },
      });
      expect(res.status).toBe(202);
      fingerprint = res.body.fingerprint as string;
    }
    const id = await incidentFor(fingerprint);
    const incident = await waitFor(async () => {
      const r = await http('GET', `/v1/incidents/${id}`, { key: keys.sre });
      return (r.body.pages as { response: unknown }[]).some((p) => p.response !== null) ? r.body : undefined;
    }, { what: 'first page' });
    expect(incident).toMatchObject({ priority: 'P1', status: 'triggered', alertCount: 5, source: 'alert' });
    const page = (incident.pages as { response: { pager: string; paged: string[] } }[])[0];
    expect(page.response).toMatchObject({ pager: 'built-in', paged: ['ana'] });

    // The public status page shows it without a key, and nothing internal.
    const status = await http('GET', '/v1/status', {});
    expect(status.status).toBe(200);
    const shown = (status.body.incidents as Record<string, unknown>[]).find((i) => i.id === id);
    expect(status.body.status).toBe('incident');
    expect(shown).toMatchObject({ title: 'playback-api 5xx above 2 %', status: 'identified' });
    expect(Object.keys(shown!).sort()).toEqual(['id', 'impact', 'startedAt', 'status', 'title', 'updates']);
    expect(JSON.stringify(status.body)).not.toMatch(/ana|fingerprint|dedup|pages/);

    const ack = await http('POST', `/v1/incidents/${id}/acknowledge`, { key: keys.sre });
    expect(ack.status).toBe(200);
    expect(ack.body.acknowledgedBy).toBeTruthy();
    const early = await http('POST', `/v1/incidents/${id}/close`, { key: keys.sre });
    expect(early.status).toBe(409);
    expect(early.body.state).toBe('acknowledged');
  });

  it('accepts a PagerDuty Events v2 body unchanged, and its resolve event resolves the incident', async () => {
    const dedup = `pd-${Date.now()}`;
    const trigger = await http('POST', '/v1/alerts?brand=uoozee', {
      key: keys.sre,
      body: {
        routing_key: 'R0UT1NGKEY0123456789ABCDEFGHIJKL',
        event_action: 'trigger',
        dedup_key: dedup,
        payload: { summary: 'CDN edge lhr-3 failing', source: 'edge-monitor', severity: 'critical', class: 'http_5xx', component: 'cdn', custom_details: { count: 5 } },
      },
    });
    expect(trigger.status).toBe(202);
    expect(trigger.body).toEqual({ status: 'success', message: 'Event processed', dedup_key: dedup });
    const rows = await waitFor(async () => {
      const r: { id: string }[] = await stack.ds.query(`SELECT id FROM incidents WHERE snapshot->>'title' = 'CDN edge lhr-3 failing' AND fingerprint LIKE $1`, [`dedup:${dedup}%`]);
      return r[0];
    }, { what: 'incident from the PagerDuty body' });
    const resolve = await http('POST', '/v1/alerts?brand=uoozee', { key: keys.sre, body: { routing_key: 'R0UT1NGKEY0123456789ABCDEFGHIJKL', event_action: 'resolve', dedup_key: dedup } });
    expect(resolve.status).toBe(202);
    await waitFor(async () => (await http('GET', `/v1/incidents/${rows.id}`, { key: keys.sre })).body.status === 'resolved', { what: 'resolved by the monitor' });
  });

  it('a PagerDuty trigger without dedup_key is answered with a key its resolve finds; a resolve with nothing open says so', async () => {
    const routing_key = 'R0UT1NGKEY0123456789ABCDEFGHIJKL';
    const component = `cdn-${Date.now()}`;
    const trigger = await http('POST', '/v1/alerts?brand=uoozee', {
      key: keys.sre,
      body: { routing_key, event_action: 'trigger', payload: { summary: `origin ${component} failing`, source: 'edge-monitor', severity: 'critical', class: 'http_5xx', component, custom_details: { count: 5 } } },
    });
    expect(trigger.status).toBe(202);
    const dedupKey = trigger.body.dedup_key as string;
    expect(dedupKey).toMatch(/^http_5xx:cdn-\d+:-:-:[0-9a-f]{16}$/);
    const id = await incidentFor(dedupKey);
    const resolve = await http('POST', '/v1/alerts?brand=uoozee', { key: keys.sre, body: { routing_key, event_action: 'resolve', dedup_key: dedupKey } });
    expect(resolve.status).toBe(202);
    expect(resolve.body).toEqual({ status: 'success', message: 'Event processed', dedup_key: dedupKey });
    const resolved = await waitFor(async () => {
      const r = await http('GET', `/v1/incidents/${id}`, { key: keys.sre });
      return r.body.status === 'resolved' ? r.body : undefined;
    }, { what: 'resolved by the monitor through the key we returned' });
    expect(resolved.resolvedBy).toBe('system');

    // Nothing open under the key any more (and a key nobody ever sent): taken, as PagerDuty does, and said.
    for (const key of [dedupKey, `never-sent-${Date.now()}`]) {
      const again = await waitFor(async () => {
        const r = await http('POST', '/v1/alerts?brand=uoozee', { key: keys.sre, body: { routing_key, event_action: 'resolve', dedup_key: key } });
        return r.body.message !== 'Event processed' ? r : undefined;
      }, { what: `resolve of ${key} answered as nothing open` });
      expect(again.status).toBe(202);
      expect(again.body).toEqual({ status: 'success', message: 'Event processed; no open incident for this dedup_key, nothing was resolved', dedup_key: key });
    }
  });

  it('links only a ticket that exists: an unknown ticket ID is a 404 naming the field', async () => {
    const open = await http('POST', '/v1/incidents', { key: keys.sre, body: { brand: 'uoozee', priority: 'P3', title: 'Subtitles missing', services: ['subtitles'] } });
    expect(open.status).toBe(201);
    const id = open.body.id as string;
    const unknown = await http('POST', `/v1/incidents/${id}/link-ticket`, { key: keys.agent, body: { ticketId: 'ticket-abcdefghijklmnopqrstuvwxyz' } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(unknown.body.errors).toEqual([{ field: 'ticketId', message: 'no ticket ticket-abcdefghijklmnopqrstuvwxyz' }]);
    const incident = await http('GET', `/v1/incidents/${id}`, { key: keys.sre });
    expect(incident.body.linkedTickets).toEqual([]);
    const ticket = await http('POST', '/v1/tickets', { key: keys.client, body: { brand: 'uoozee', channel: 'email', priority: 'P3', subject: 'No subtitles', description: 'Subtitles are gone on every title', customerRef: 'cust_4712' } });
    expect(ticket.status).toBe(201);
    const linked = await http('POST', `/v1/incidents/${id}/link-ticket`, { key: keys.agent, body: { ticketId: ticket.body.id } });
    expect([linked.status, linked.body.linkedTickets]).toEqual([200, [ticket.body.id]]);
    expect((await http('POST', `/v1/incidents/${id}/resolve`, { key: keys.sre, body: { summary: 'subtitle index rebuilt' } })).status).toBe(200);
  });

  it('declares an incident by hand and walks it to closed, every action in the history with its actor', async () => {
    const open = await http('POST', '/v1/incidents', { key: keys.sre, body: { brand: 'uoozee', priority: 'P2', title: 'Search slow in APAC', services: ['search'] } });
    expect(open.status).toBe(201);
    const id = open.body.id as string;
    const ticket = await http('POST', '/v1/tickets', { key: keys.client, body: { brand: 'uoozee', channel: 'email', priority: 'P3', subject: 'Search is slow', description: 'Results take a minute', customerRef: 'cust_4713' } });
    expect(ticket.status).toBe(201);
    expect(open.headers.get('location')).toBe(`/v1/incidents/${id}`);
    for (const [action, body] of [
      ['acknowledge', undefined],
      ['note', { text: 'index rebuild running' }],
      ['mitigate', { summary: 'traffic moved to SG' }],
      ['link-ticket', { ticketId: ticket.body.id as string }],
      ['resolve', { summary: 'index rebuilt' }],
      ['close', undefined],
    ] as const) {
      const res = await http('POST', `/v1/incidents/${id}/${action}`, { key: keys.sre, body });
      expect([action, res.status]).toEqual([action, 200]);
    }
    const events = await waitFor(async () => {
      const r = await http('GET', `/v1/incidents/${id}/events`, { key: keys.sre });
      return (r.body.items as { type: string }[]).some((e) => e.type === 'closed') ? (r.body.items as { type: string; actor: string }[]) : undefined;
    }, { what: 'closed event' });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['triggered', 'acknowledged', 'note', 'mitigated', 'ticket_linked', 'resolved', 'closed']));
    expect(events.filter((e) => e.type !== 'triggered' && e.type !== 'paged' && !e.type.startsWith('sla_')).every((e) => e.actor !== 'system')).toBe(true);
    const list = await http('GET', '/v1/incidents?status=closed&brand=uoozee', { key: keys.agent });
    expect((list.body.items as { id: string }[]).map((i) => i.id)).toContain(id);
  });

  it('the weekly report counts what happened to a brand', async () => {
    const a = await http('POST', '/v1/incidents', { key: keys.sre, body: { brand: 'vivtone', priority: 'S1', title: 'API down', services: ['api'] } });
    const b = await http('POST', '/v1/incidents', { key: keys.sre, body: { brand: 'vivtone', priority: 'S2', title: 'Exports slow', services: ['exports'] } });
    expect([a.status, b.status]).toEqual([201, 201]);
    await waitFor(async () => ((await http('GET', `/v1/incidents/${a.body.id}`, { key: keys.sre })).body.pages as { response: unknown }[])[0]?.response, { what: 'S1 paged' });
    expect((await http('POST', `/v1/incidents/${a.body.id}/acknowledge`, { key: keys.sre })).status).toBe(200);
    expect((await http('POST', `/v1/incidents/${b.body.id}/resolve`, { key: keys.sre, body: { summary: 'cache warmed' } })).status).toBe(200);
    const week = isoWeekOf(Date.parse(a.body.openedAt as string));
    const report = await waitFor(async () => {
      const r = await http('GET', `/v1/reports/incidents?brand=vivtone&week=${week}`, { key: keys.sre });
      return r.body.timeToAcknowledgeSeconds?.n === 1 && r.body.withinSla.acknowledgement.met + r.body.withinSla.acknowledgement.breached === 2 ? r.body : undefined;
    }, { what: 'report with both incidents settled' });
    expect(report).toMatchObject({ week, brand: 'vivtone', incidents: 2, byPriority: { S1: 1, S2: 1 }, pagesSent: 1, escalations: 0 });
    expect(report.timeToMitigateSeconds.n).toBe(0);
    const bad = await http('GET', '/v1/reports/incidents?week=2026-48', { key: keys.sre });
    expect([bad.status, bad.body.errors[0].field]).toEqual([400, 'query:week']);
  });

  it('an overdue P1 review escalates to the manager, and the history shows it', async () => {
    const open = await http('POST', '/v1/incidents', { key: keys.sre, body: { brand: 'uoozee', priority: 'P1', title: 'Login down', services: ['auth'] } });
    const id = open.body.id as string;
    expect((await http('POST', `/v1/incidents/${id}/acknowledge`, { key: keys.sre })).status).toBe(200);
    const resolved = await http('POST', `/v1/incidents/${id}/resolve`, { key: keys.sre, body: { summary: 'token cache flushed' } });
    expect(resolved.body.reviewDueAt).not.toBeNull();
    const events = await waitFor(async () => {
      const r = await http('GET', `/v1/incidents/${id}/events`, { key: keys.sre });
      const items = r.body.items as { type: string; actor: string; occurredAt: string; data: { escalatedTo?: string } }[];
      return items.some((e) => e.type === 'review_overdue') ? items : undefined;
    }, { what: 'review overdue (4 s test window)' });
    const overdue = events.find((e) => e.type === 'review_overdue')!;
    expect(overdue.data.escalatedTo).toBe('incident-manager');
    expect(Date.parse(overdue.occurredAt)).toBeGreaterThanOrEqual(Date.parse(resolved.body.reviewDueAt as string));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['review_reminder', 'review_overdue']));
  });

  it('names the field on bad input and refuses the wrong role', async () => {
    const missing = await http('POST', '/v1/alerts', { key: keys.sre, body: { brand: 'uoozee', source: 'x', kind: 'http_5xx', service: 's' } });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect((missing.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['summary']);
    const pdBad = await http('POST', '/v1/alerts?brand=uoozee', {
      key: keys.sre,
      body: { routing_key: 'R0UT1NGKEY0123456789ABCDEFGHIJKL', event_action: 'trigger', payload: { summary: 's', source: 'x', severity: 'apocalyptic' } },
    });
    expect(pdBad.status).toBe(400);
    expect(pdBad.body.errors[0].field).toBe('payload.severity');
    const noBrand = await http('POST', '/v1/alerts', { key: keys.sre, body: { routing_key: 'R0UT1NGKEY0123456789ABCDEFGHIJKL', event_action: 'resolve', dedup_key: 'x' } });
    expect(noBrand.body.errors[0].field).toBe('query:brand');
    const unknownBrand = await http('POST', '/v1/incidents', { key: keys.sre, body: { brand: 'acme', priority: 'P1', title: 't', services: ['s'] } });
    expect([unknownBrand.status, unknownBrand.body.errors[0].field]).toEqual([422, 'brand']);
    const badPolicy = await http('PUT', '/v1/escalation-policies/p1-uoozee', {
      key: keys.sre,
      body: { brand: 'uoozee', priorities: ['P1'], levels: [{ targets: ['rotation:sre-primary'], ackTimeout: '10s' }] },
    });
    expect(badPolicy.status).toBe(400);
    expect(badPolicy.body.errors[0].field).toBe('levels.0.ackTimeout');
    expect((await http('POST', '/v1/alerts', { key: keys.client, body: {} })).status).toBe(403);
    expect((await http('GET', '/v1/incidents/incident-nope', { key: keys.sre })).status).toBe(404);
  });
});
