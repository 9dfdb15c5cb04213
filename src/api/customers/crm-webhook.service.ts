import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { mirroredCase } from '../../domain/customer/crm-mirror';
import { crmFrom } from '../../integrations/crm/crm-from-config';
import type { CrmPort } from '../../integrations/crm/crm-port';
import type { HubSpotEvent } from '../../integrations/crm/hubspot-webhook';
import type { TicketView } from '../../workflows/ticket/messages';
import { runAsCaller } from '../auth/request-context';
import type { Principal } from '../auth/principal';
import { Problem } from '../problem/problem';
import { TicketsService } from '../tickets/tickets.service';

/** HubSpot's pipeline stage for a closed ticket (its default support pipeline: '4'). */
const CLOSED_STAGE = '4';
const DONE: readonly string[] = ['resolved', 'closed'];

export interface CrmEventOutcome {
  eventId: string;
  /** applied, no-change, refused, duplicate, ignored, unknown-object */
  outcome: string;
  caseId?: string;
  detail?: string;
}

type Acted = Omit<CrmEventOutcome, 'eventId'>;

/**
 * Changes made in the CRM, arriving as its signed webhook: each event once (by HubSpot's event
 * ID), each turned into the update the API would send, with the CRM user as actor. The case
 * decides: a change it refuses (the state moved on) is not applied, and the CRM's copy is put
 * back to the case's state. Only tickets take changes from the CRM; other kinds are mirrored
 * one way.
 */
@Injectable()
export class CrmWebhookService {
  private readonly logger = new Logger(CrmWebhookService.name);
  private readonly crm: CrmPort | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tickets: TicketsService,
    private readonly config: AppConfig,
  ) {
    this.crm = crmFrom(config, 10_000);
  }

  async apply(events: HubSpotEvent[]): Promise<CrmEventOutcome[]> {
    const outcomes: CrmEventOutcome[] = [];
    for (const e of events) outcomes.push({ eventId: e.eventId, ...(await this.once(e)) });
    return outcomes;
  }

  /** Claims the event ID first: a redelivery, or a second API process handed the same delivery, finds it taken. */
  private async once(e: HubSpotEvent): Promise<Acted> {
    const claimed: unknown[] = await this.dataSource.query(
      `INSERT INTO crm_webhook_events (event_id, subscription_type, object_id, property_name, outcome) VALUES ($1, $2, $3, $4, 'processing')
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [e.eventId, e.subscriptionType, e.objectId, e.propertyName],
    );
    if (claimed.length === 0) return { outcome: 'duplicate' };
    let acted: Acted;
    try {
      acted = await this.act(e);
    } catch (err) {
      // Not acted on (Temporal or the database away): forget the claim so HubSpot's retry is processed.
      await this.dataSource.query(`DELETE FROM crm_webhook_events WHERE event_id = $1`, [e.eventId]);
      throw err;
    }
    await this.dataSource.query(`UPDATE crm_webhook_events SET outcome = $2, case_id = $3, detail = $4 WHERE event_id = $1`, [e.eventId, acted.outcome, acted.caseId ?? null, acted.detail ?? null]);
    return acted;
  }

  private async act(e: HubSpotEvent): Promise<Acted> {
    if (e.subscriptionType !== 'ticket.propertyChange') return { outcome: 'ignored', detail: `${e.subscriptionType} is not acted on` };
    const [link]: { case_id: string; kind: string }[] = await this.dataSource.query(`SELECT case_id, kind FROM crm_links WHERE crm_id = $1`, [e.objectId]);
    if (!link) return { outcome: 'unknown-object', detail: `no case is mirrored as HubSpot ticket ${e.objectId}` };
    const caseId = link.case_id;
    if (link.kind !== 'ticket') return { outcome: 'ignored', caseId, detail: `${link.kind} cases are mirrored one way` };
    const actor = crmActor(e.sourceId);
    const principal: Principal = { keyId: 'crm-webhook', name: actor, role: 'agent' };
    const view = await this.tickets.get(caseId);
    const change = this.changeFor(e, view);
    if (change === null) return { outcome: 'ignored', caseId, detail: `${e.propertyName ?? 'no property'} is not taken from the CRM` };
    if (change === 'no-change') return { outcome: 'no-change', caseId };
    try {
      // The event ID keys the update: a delivery applied but unanswered is not applied twice.
      await runAsCaller({ name: actor, role: 'system' }, () => change.send(principal, `crm-${e.eventId}`));
      return { outcome: 'applied', caseId, detail: change.what };
    } catch (err) {
      if (!(err instanceof Problem) || (err.getStatus() !== 409 && err.getStatus() !== 422)) throw err;
      await this.correct(caseId, view);
      return { outcome: 'refused', caseId, detail: `${change.what}: ${err.message}; the CRM's copy is put back` };
    }
  }

  /** The update a property change stands for; null: not a property the CRM steers; 'no-change': the case already is so. */
  private changeFor(e: HubSpotEvent, view: TicketView): { what: string; send: (p: Principal, key: string) => Promise<unknown> } | 'no-change' | null {
    if (e.propertyName === 'hs_pipeline_stage') {
      const closedThere = e.propertyValue === CLOSED_STAGE;
      if (closedThere === DONE.includes(view.status)) return 'no-change';
      if (!closedThere) {
        // Reopened in the CRM: a customer-facing reopen is the customer's or an agent's step here, with a reason; the CRM's copy is put back.
        return { what: 'reopen', send: () => Promise.reject(new Problem(409, 'state-conflict', 'Not reopened from the CRM', `the ticket is ${view.status} here; reopen it in Caseworks`)) };
      }
      return { what: 'resolve', send: (p, key) => this.tickets.resolve(view.id, { resolution: `Closed in the CRM by ${p.name}` }, p, key) };
    }
    if (e.propertyName === 'caseworks_priority') {
      if (!e.propertyValue || e.propertyValue === view.priority) return 'no-change';
      const priority = e.propertyValue;
      return { what: `priority ${priority}`, send: (p, key) => this.tickets.priority(view.id, { priority, reason: `changed in the CRM by ${p.name}` }, p, key) };
    }
    return null;
  }

  /** The case's state wins: its CRM copy is written again now, or by the next sync if the CRM is away. */
  private async correct(caseId: string, view: TicketView): Promise<void> {
    await this.dataSource.query(`UPDATE crm_links SET needs_push = true WHERE case_id = $1`, [caseId]);
    if (!this.crm) return;
    try {
      await this.crm.upsertCase(mirroredCase({ kind: 'ticket', id: caseId, status: view.status, priority: view.priority, snapshot: view as unknown as Record<string, unknown> }, this.linkBase()));
      await this.dataSource.query(`UPDATE crm_links SET needs_push = false WHERE case_id = $1`, [caseId]);
    } catch (err) {
      this.logger.warn({ caseId, err: err instanceof Error ? err.message : String(err) }, 'CRM copy not corrected now; the next sync does it');
    }
  }

  private linkBase(): string {
    return this.config.PUBLIC_API_URL ?? `http://127.0.0.1:${this.config.API_PORT}`;
  }
}

/** The CRM user as the case records them: `crm:hubspot-user-4211` (HubSpot's sourceId "userId:4211"); unnamed changes are HubSpot's own. */
export function crmActor(sourceId: string | null): string {
  const user = sourceId?.match(/^userId:(\d{1,20})$/)?.[1];
  return user ? `crm:hubspot-user-${user}` : 'crm:hubspot';
}
