import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { publicApiUrl } from '../../config/config.schema';
import { mirroredCase } from '../../domain/customer/crm-mirror';
import { redactCards } from '../../domain/card-data-policy';
import { crmFrom } from '../../integrations/crm/crm-from-config';
import { HubSpotCrm } from '../../integrations/crm/hubspot-crm';
import { MAX_CRM_NOTE, type TicketView } from '../../workflows/ticket/messages';
import type { CrmPort } from '../../integrations/crm/crm-port';
import type { HubSpotEvent } from '../../integrations/crm/hubspot-webhook';
import { runAsCaller } from '../auth/request-context';
import type { Principal } from '../auth/principal';
import { Problem } from '../problem/problem';
import { TicketsService } from '../tickets/tickets.service';

/** HubSpot's object type ID of notes, in its generic (object.*) webhook events. */
const NOTE_TYPE = '0-46';

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
    if (e.subscriptionType === 'object.creation' && e.objectTypeId === NOTE_TYPE) return this.note(e);
    if (e.subscriptionType !== 'ticket.propertyChange') return { outcome: 'ignored', detail: `${e.subscriptionType} is not acted on` };
    const [link]: { case_id: string; kind: string }[] = await this.dataSource.query(`SELECT case_id, kind FROM crm_links WHERE crm_id = $1`, [e.objectId]);
    if (!link) return { outcome: 'unknown-object', detail: `no case is mirrored as HubSpot ticket ${e.objectId}` };
    const caseId = link.case_id;
    if (link.kind !== 'ticket') return { outcome: 'ignored', caseId, detail: `${link.kind} cases are mirrored one way` };
    const actor = crmActor(e.sourceId);
    const view = await this.tickets.get(caseId);
    const change = this.changeFor(e, view);
    if (change === null) return { outcome: 'ignored', caseId, detail: `${e.propertyName ?? 'no property'} is not taken from the CRM` };
    if (change === 'no-change') return { outcome: 'no-change', caseId };
    const refused = await this.send(e, actor, (p, key) => change.send(p, key));
    if (refused === null) return { outcome: 'applied', caseId, detail: change.what };
    await this.correct(caseId, view);
    return { outcome: 'refused', caseId, detail: `${change.what}: ${refused}; the CRM's copy is put back` };
  }

  /**
   * A note a HubSpot user wrote on a mirrored ticket: the webhook names only the note, so it is
   * read back; one we made ourselves (it carries our key) is our own mirror, not a change.
   */
  private async note(e: HubSpotEvent): Promise<Acted> {
    if (!this.crm || !(this.crm instanceof HubSpotCrm)) return { outcome: 'ignored', detail: 'no HubSpot CRM is configured to read the note from' };
    const note = await this.crm.readNote(e.objectId);
    if (!note) return { outcome: 'unknown-object', detail: `HubSpot has no note ${e.objectId}` };
    if (note.key !== null) return { outcome: 'no-change', detail: 'a note Caseworks wrote' };
    const [link]: { case_id: string; kind: string }[] = await this.dataSource.query(`SELECT case_id, kind FROM crm_links WHERE crm_id = ANY($1) ORDER BY case_id LIMIT 1`, [note.ticketIds]);
    if (!link) return { outcome: 'unknown-object', detail: `note ${e.objectId} is on no mirrored case` };
    if (link.kind !== 'ticket') return { outcome: 'ignored', caseId: link.case_id, detail: `${link.kind} cases are mirrored one way` };
    if (note.text.length === 0) return { outcome: 'no-change', caseId: link.case_id, detail: 'an empty note' };
    // Card numbers a CRM user pasted are masked before the note enters the case's history.
    const text = redactCards(note.text).slice(0, MAX_CRM_NOTE);
    const refused = await this.send(e, crmActor(e.sourceId), (p, key) => this.tickets.crmNote(link.case_id, text, p, key));
    return refused === null ? { outcome: 'applied', caseId: link.case_id, detail: 'note' } : { outcome: 'refused', caseId: link.case_id, detail: `note: ${refused}` };
  }

  /**
   * Sends one update as the CRM user, keyed by the event ID (a delivery applied but unanswered is
   * not applied twice). The case refusing it (409/422, or an ended case) is an answer, returned as
   * its reason; anything else (Temporal away) is thrown, so HubSpot delivers again.
   */
  private async send(e: HubSpotEvent, actor: string, update: (p: Principal, key: string) => Promise<unknown>): Promise<string | null> {
    const principal: Principal = { keyId: 'crm-webhook', name: actor, role: 'agent' };
    try {
      await runAsCaller({ name: actor, role: 'system' }, () => update(principal, `crm-${e.eventId}`));
      return null;
    } catch (err) {
      if (!(err instanceof Problem) || ![404, 409, 410, 422].includes(err.getStatus())) throw err;
      return err.message;
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
      await this.crm.upsertCase(mirroredCase({ kind: 'ticket', id: caseId, status: view.status, priority: view.priority, snapshot: view as unknown as Record<string, unknown> }, publicApiUrl(this.config)));
      await this.dataSource.query(`UPDATE crm_links SET needs_push = false WHERE case_id = $1`, [caseId]);
    } catch (err) {
      this.logger.warn({ caseId, err: err instanceof Error ? err.message : String(err) }, 'CRM copy not corrected now; the next sync does it');
    }
  }
}

/** The CRM user as the case records them: `crm:hubspot-user-4211` (HubSpot's sourceId "userId:4211"); unnamed changes are HubSpot's own. */
export function crmActor(sourceId: string | null): string {
  const user = sourceId?.match(/^userId:(\d{1,20})$/)?.[1];
  return user ? `crm:hubspot-user-${user}` : 'crm:hubspot';
}
