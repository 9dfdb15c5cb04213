import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { EscalationPolicy, onCallAt } from '../domain/incident/escalation';
import type { WebhookNotificationSender } from '../integrations/notify/webhook-sender';
import { PagingAdapter, pagerDutySeverity } from '../integrations/paging/pagerduty-events';
import { IncidentRecords } from '../persistence/read-model';
import type { IncidentView } from '../workflows/incident/messages';

export interface IncidentDeps {
  dataSource: DataSource;
  logger: Logger;
  /** Absent: the built-in pager records pages in PostgreSQL (table pages) and logs them. */
  pager?: PagingAdapter;
  /** Absent: backlog items are only recorded (table backlog_items). */
  backlogWebhook?: WebhookNotificationSender;
}

export interface BacklogItem {
  /** incident + corrective action index: filed once, whatever the retries. */
  key: string;
  title: string;
  owner: string;
  due: string;
  triageOwner: string;
  triageBy: string;
  rootCauseCategory: string;
}

export interface IncidentEventInput {
  eventKey: string;
  /** The workflow's number for the change (absent in records scheduled before numbering existed). */
  seq?: number;
  type: string;
  actor: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface PageRequest {
  incidentId: string;
  dedupKey: string;
  step: number;
  /** "rotation:<name>" or "user:<name>", resolved to people when the page goes out. */
  targets: string[];
  brand: string;
  priority: string;
  summary: string;
  source: string;
  alertCount: number;
}

export interface PageResponse {
  status: string;
  dedupKey: string;
  message: string;
  pager: string;
  paged: string[];
}

export function createIncidentActivities({ dataSource, logger, pager, backlogWebhook }: IncidentDeps) {
  const incidents = new IncidentRecords(dataSource);
  /** Who a target means right now: a rotation's current shift, or the named person. */
  async function resolveTargets(targets: string[], at: number): Promise<string[]> {
    const people: string[] = [];
    for (const target of targets) {
      const [kind, name] = target.includes(':') ? [target.slice(0, target.indexOf(':')), target.slice(target.indexOf(':') + 1)] : ['user', target];
      if (kind !== 'rotation') {
        people.push(name);
        continue;
      }
      const rows: { participants: string[]; starts_at: Date; shift_ms: string }[] = await dataSource.query(
        `SELECT participants, starts_at, shift_ms FROM oncall_rotations WHERE name = $1`,
        [name],
      );
      const person = rows[0] ? onCallAt({ participants: rows[0].participants, startsAt: rows[0].starts_at.getTime(), shiftMs: Number(rows[0].shift_ms) }, at) : null;
      // A rotation nobody has set up still pages: the pager routes "rotation:<name>" itself.
      people.push(person ?? target);
    }
    return [...new Set(people)];
  }

  return {
    /**
     * Snapshot + keyed event(s) in one transaction. `version` (the workflow's change number) guards
     * the snapshot: an older or retried write never overwrites a newer one, even within one
     * millisecond (read-model/case-records.ts). Several events: the queue a run left when it
     * continued as new, written in order.
     */
    async recordIncident(view: IncidentView, eventOrEvents: IncidentEventInput | IncidentEventInput[], version?: number): Promise<{ eventRecorded: boolean; eventsRecorded: number }> {
      const events = Array.isArray(eventOrEvents) ? eventOrEvents : [eventOrEvents];
      const { eventsRecorded } = await incidents.recordSnapshot(view, events, version);
      logger.info({ incidentId: view.id, events: events.map((e) => e.type), version: version ?? null, eventsRecorded }, 'incident transition recorded');
      return { eventRecorded: eventsRecorded > 0, eventsRecorded };
    },

    /** The brand's stored escalation policy for this priority, else the pack's ladder. */
    async resolveEscalation({ brand, priority, fallback }: { brand: string; priority: string; fallback: EscalationPolicy }): Promise<EscalationPolicy> {
      const rows: { levels: EscalationPolicy['levels']; loops: number }[] = await dataSource.query(
        `SELECT levels, loops FROM escalation_policies WHERE brand = $1 AND $2 = ANY(priorities) ORDER BY updated_at DESC LIMIT 1`,
        [brand, priority],
      );
      return rows[0] ? { levels: rows[0].levels, loops: rows[0].loops } : fallback;
    },

    /**
     * Sends one escalation step. The dedup key is the incident's and the step's, so a retry after
     * a crash reaches the same PagerDuty alert (and the same row here), never a second one. The
     * pager's answer is recorded: a 202 says PagerDuty took the event, not that a person saw it.
     */
    async sendPage(p: PageRequest): Promise<PageResponse> {
      const paged = await resolveTargets(p.targets, Date.now());
      let response: PageResponse;
      if (pager) {
        const r = await pager.trigger({
          dedupKey: p.dedupKey,
          summary: p.summary,
          source: p.source,
          priority: p.priority,
          class: 'caseworks.incident',
          group: p.brand,
          details: { incidentId: p.incidentId, step: p.step + 1, oncall: paged, alertCount: p.alertCount },
        });
        response = { ...r, pager: 'pagerduty', paged };
      } else {
        response = { status: 'recorded', dedupKey: p.dedupKey, message: `page recorded for ${paged.join(', ')}`, pager: 'built-in', paged };
      }
      await dataSource.query(
        `INSERT INTO pages (dedup_key, incident_id, step, targets, paged, pager, response) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (dedup_key) DO UPDATE SET attempts = pages.attempts + 1, response = EXCLUDED.response`,
        [p.dedupKey, p.incidentId, p.step, JSON.stringify(p.targets), JSON.stringify(paged), response.pager, JSON.stringify(response)],
      );
      logger.info({ incidentId: p.incidentId, step: p.step, dedupKey: p.dedupKey, pager: response.pager, severity: pagerDutySeverity(p.priority), oncall: paged }, 'page sent');
      return response;
    },

    /** Corrective actions become backlog items: recorded once per key, delivered to the tracker when configured. */
    async fileBacklogItems({ incidentId, items }: { incidentId: string; items: BacklogItem[] }): Promise<{ delivered: number }> {
      for (const item of items) {
        await dataSource.query(
          `INSERT INTO backlog_items (key, incident_id, title, owner, due, triage_owner, triage_by, root_cause_category)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO NOTHING`,
          [item.key, incidentId, item.title, item.owner, item.due, item.triageOwner, new Date(item.triageBy), item.rootCauseCategory],
        );
        if (backlogWebhook) {
          const message = { ...item, incidentId, kind: 'backlog_item' };
          const { status } = await backlogWebhook.send(message, Date.now());
          await dataSource.query(`UPDATE backlog_items SET delivered_at = now(), delivery_status = $2 WHERE key = $1`, [item.key, status]);
        }
      }
      logger.info({ incidentId, items: items.length, delivered: backlogWebhook ? items.length : 0 }, 'backlog items filed');
      return { delivered: backlogWebhook ? items.length : 0 };
    },

    /** Acknowledges or resolves pages already sent, at the pager and here. */
    async updatePages({ incidentId, action, dedupKeys }: { incidentId: string; action: 'acknowledge' | 'resolve'; dedupKeys: string[] }): Promise<void> {
      for (const key of dedupKeys) {
        if (pager) await (action === 'acknowledge' ? pager.acknowledge(key) : pager.resolve(key));
      }
      const column = action === 'acknowledge' ? 'acknowledged_at' : 'resolved_at';
      await dataSource.query(`UPDATE pages SET ${column} = COALESCE(${column}, now()) WHERE dedup_key = ANY($1)`, [dedupKeys]);
      logger.info({ incidentId, action, pages: dedupKeys.length }, 'pages updated');
    },
  };
}
