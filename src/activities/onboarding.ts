import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { AgentStatus } from '../domain/onboarding/agent';
import type { TicketWork } from '../domain/onboarding/gates';
import type { WebhookNotificationSender } from '../integrations/notify/webhook-sender';
import type { CaseEventRecord } from '../persistence/read-model/case-records';
import { OnboardingRecords } from '../persistence/read-model/onboarding-records';
import type { ReadModelSealer } from '../persistence/read-model-sealer';
import type { OnboardingView } from '../workflows/onboarding/messages';

export interface OnboardingDeps {
  dataSource: DataSource;
  logger: Logger;
  sealer: ReadModelSealer;
  /** The CRM/HR webhook (CRM_WEBHOOK_URL): told when an agent is certified, suspended or restored. */
  crmWebhook?: WebhookNotificationSender;
}

/** A status the onboarding workflow gives an agent in the registry, once per key. */
export interface AgentStatusChange {
  key: string;
  caseId: string;
  agentId: string;
  brand: string;
  status: AgentStatus;
  reason: string;
  by: string;
  /** What the agent was certified for (the curriculum's modules), on certification. */
  competencies?: string[];
}

export function createOnboardingActivities({ dataSource, logger, sealer, crmWebhook }: OnboardingDeps) {
  const records = new OnboardingRecords(dataSource, sealer);
  return {
    /** Snapshot + keyed event in one transaction; an older snapshot never overwrites a newer one. */
    async recordOnboarding({ view, event }: { view: OnboardingView; event: CaseEventRecord }): Promise<{ eventRecorded: boolean }> {
      const { eventsRecorded } = await records.recordSnapshot(view, [event], event.seq!);
      logger.info({ caseId: view.id, workflowId: view.id, event: event.type, eventKey: event.eventKey, phase: view.phase }, 'onboarding recorded');
      return { eventRecorded: eventsRecorded > 0 };
    },

    /**
     * The agent's real work since `since`, from the tickets read model: resolved tickets assigned
     * to the agent with the handle time the agent logged on them (AHT as the monthly report counts
     * it), and the CSAT answers on tickets assigned to the agent (4–5 of 5 satisfied).
     */
    async onboardingTicketWork({ agentId, brand, since }: { agentId: string; brand: string; since: number }): Promise<TicketWork> {
      const [aht]: { tickets: number; handle_s: number }[] = await dataSource.query(
        `SELECT count(DISTINCT e.ticket_id)::int AS tickets, coalesce(sum((e.data->>'handleSeconds')::int), 0)::float AS handle_s
           FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
          WHERE t.assignee = $1 AND t.brand = $2 AND t.resolved_at >= $3 AND e.actor = $1 AND jsonb_typeof(e.data->'handleSeconds') = 'number'`,
        [agentId, brand, new Date(since)],
      );
      const [csat]: { rated: number; satisfied: number }[] = await dataSource.query(
        `SELECT count(csat_score)::int AS rated, count(*) FILTER (WHERE csat_score >= 4)::int AS satisfied
           FROM tickets WHERE assignee = $1 AND brand = $2 AND opened_at >= $3`,
        [agentId, brand, new Date(since)],
      );
      return { ahtTickets: aht.tickets, handleSeconds: Number(aht.handle_s), rated: csat.rated, satisfied: csat.satisfied };
    },

    /**
     * Moves the agent in the registry (with the reason, kept in agent_status_changes under the
     * change's key: a retried activity changes nothing twice), then tells the CRM/HR webhook.
     * An agent the registry does not know (started before it was registered) is only told.
     */
    async setAgentStatus(change: AgentStatusChange): Promise<{ changed: boolean }> {
      const changed = await dataSource.transaction(async (tx) => {
        const [row]: { status: string }[] = await tx.query(`SELECT status FROM agents WHERE id = $1 FOR UPDATE`, [change.agentId]);
        if (!row) return false;
        const inserted: unknown[] = await tx.query(
          `INSERT INTO agent_status_changes (agent_id, status_from, status_to, reason, changed_by, change_key) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (change_key) DO NOTHING RETURNING id`,
          [change.agentId, row.status, change.status, change.reason, change.by, change.key],
        );
        if (inserted.length) {
          await tx.query(`UPDATE agents SET status = $2, competencies = coalesce($3, competencies), updated_at = now() WHERE id = $1`, [change.agentId, change.status, change.competencies ?? null]);
        }
        return inserted.length > 0;
      });
      if (crmWebhook) {
        const message = { kind: 'agent_status', key: change.key, caseId: change.caseId, agentId: change.agentId, brand: change.brand, status: change.status, reason: change.reason, competencies: change.competencies ?? [] };
        await crmWebhook.send(message, Date.now());
      }
      logger.info({ caseId: change.caseId, workflowId: change.caseId, status: change.status, key: change.key, changed }, 'agent status');
      return { changed };
    },
  };
}
