import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { TakedownNotice } from '../domain/takedown/notice';
import { ContentAction, ContentActionResult, ContentItemRef, ContentPlatformAdapter, RecordingContentPlatform } from '../integrations/content/content-platform';
import type { PagingAdapter } from '../integrations/paging/pagerduty-events';
import { type CaseEventRecord, PreservationRecords, TakedownRecords } from '../persistence/read-model';
import type { ReadModelSealer } from '../persistence/read-model-sealer';
import { computeTransparencyCounts, storeTransparencySnapshot, TransparencySnapshot } from '../persistence/takedown-transparency';
import type { TakedownView } from '../workflows/takedown/messages';
import type { PreservationView } from '../workflows/takedown/preservation-messages';
import { refuseUnstorable } from './permanent-failure';

export interface TakedownDeps {
  dataSource: DataSource;
  logger: Logger;
  /**
   * Seals the notifier's data under the takedown's key (read-model-sealer.ts): the notice, the
   * snapshot, event data, message bodies and content items. Preservation holds' rows stay in
   * clear: they hold the authority's request, not the notifier's data, and must outlive erasure.
   */
  sealer: ReadModelSealer;
  /** Absent: the built-in platform only records each action (table content_actions). */
  contentPlatform?: ContentPlatformAdapter;
  /**
   * The legal on-call's PagerDuty service (PAGERDUTY_LEGAL_ROUTING_KEY), paged for threats to
   * life or safety. Absent: the built-in pager records the page in the case history and logs it.
   */
  legalPager?: PagingAdapter;
}

export interface LegalOnCallPage {
  caseId: string;
  /** `<case>:page:legal-oncall`: a retried activity reaches the same PagerDuty alert, never a second. */
  dedupKey: string;
  /** The pack's target label, e.g. "rotation:legal-oncall"; PagerDuty's routing picks the person. */
  target: string;
  brand: string;
  /** No personal data: case, basis, regimes, counts and the deadline only. */
  summary: string;
  details: Record<string, unknown>;
}

export interface LegalOnCallPageResult {
  pager: 'pagerduty' | 'built-in';
  status: string;
  dedupKey: string;
  message: string;
}

/** One event of the case's record: the read-model layer's shape (keyed, numbered). */
export type TakedownEventInput = CaseEventRecord;

export interface ContentActionInput {
  caseId: string;
  /** What the action is for within the case ('apply', 'restore', 'reverse'): with the item index, the idempotency key. */
  actionKey: string;
  action: ContentAction;
  items: ContentItemRef[];
  countries: string[] | null;
}

export interface TakedownCommunication {
  caseId: string;
  /** Business key: the same message is never recorded or sent twice. */
  key: string;
  recipient: 'uploader' | 'notifier';
  kind: string;
  body: { text: string } & Record<string, unknown>;
}

export function createTakedownActivities({ dataSource, logger, sealer, contentPlatform = new RecordingContentPlatform(), legalPager }: TakedownDeps) {
  const takedowns = new TakedownRecords(dataSource, sealer);
  const preservations = new PreservationRecords(dataSource, sealer);
  return {
    /**
     * Snapshot + keyed event in one transaction; an older snapshot never overwrites a newer one.
     * The notice (with the notifier's contact) comes with the first call only and is never
     * overwritten; the snapshot carries no contact details. All three are sealed under the
     * case's key; what the transparency report counts by stays in clear columns
     * (read-model/takedown-records.ts).
     */
    async recordTakedown({ view, event, notice }: { view: TakedownView; event: TakedownEventInput; notice?: TakedownNotice }): Promise<{ eventRecorded: boolean }> {
      refuseUnstorable({ view, event, notice });
      // The event's change number is the case's version.
      const { eventsRecorded } = await takedowns.recordSnapshot({ view, notice }, [event], event.seq);
      const eventRecorded = eventsRecorded > 0;
      logger.info({ caseId: view.id, workflowId: view.id, event: event.type, eventKey: event.eventKey, state: view.state, eventRecorded }, 'takedown action recorded');
      return { eventRecorded };
    },

    /**
     * Removes, geo-restricts or restores each item through the content platform, once per item
     * and action key: a retried activity finds the items already acted on and skips them. The
     * row keeps the item sealed (the notifier named it); the platform gets it as given.
     */
    async applyContentAction(input: ContentActionInput): Promise<{ applied: number; alreadyApplied: number; results: ContentActionResult[] }> {
      let applied = 0;
      let alreadyApplied = 0;
      const results: ContentActionResult[] = [];
      refuseUnstorable(input);
      for (const [index, item] of input.items.entries()) {
        const key = `${input.caseId}:${input.actionKey}:item:${index}`;
        const rows: { applied_at: Date | null; platform: string | null; status: string | null; reference: string | null }[] = await dataSource.query(
          `INSERT INTO content_actions (action_key, case_id, action, item, countries) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (action_key) DO UPDATE SET attempts = content_actions.attempts + 1
           RETURNING applied_at, platform, status, reference`,
          [key, input.caseId, input.action, JSON.stringify(await sealer.seal(input.caseId, item)), input.countries],
        );
        if (rows[0]?.applied_at) {
          alreadyApplied++;
          results.push({ platform: rows[0].platform ?? contentPlatform.name, status: (rows[0].status ?? 'applied') as ContentActionResult['status'], reference: rows[0].reference });
          continue;
        }
        const result = await contentPlatform.apply({ key, caseId: input.caseId, action: input.action, item, countries: input.countries });
        await dataSource.query(`UPDATE content_actions SET applied_at = now(), platform = $2, status = $3, reference = $4 WHERE action_key = $1`, [
          key,
          result.platform,
          result.status,
          result.reference,
        ]);
        applied++;
        results.push(result);
      }
      logger.info({ caseId: input.caseId, workflowId: input.caseId, action: input.action, actionKey: input.actionKey, applied, alreadyApplied }, 'content action');
      return { applied, alreadyApplied, results };
    },

    /**
     * Records a message to the uploader or the notifier under its key (once). Delivery is the
     * built-in channel: the record is the message; addresses are looked up by whoever sends it,
     * so none passes through here: `recipient` is the role ('uploader' | 'notifier'), kept in
     * clear; the body is sealed under the case's key.
     */
    async sendTakedownCommunication(c: TakedownCommunication): Promise<{ firstAttempt: boolean; sentAt: string }> {
      refuseUnstorable(c);
      const rows: { sent_at: Date; inserted: boolean }[] = await dataSource.query(
        `INSERT INTO takedown_communications (key, case_id, recipient, kind, body) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (key) DO UPDATE SET attempts = takedown_communications.attempts + 1
         RETURNING sent_at, (xmax = 0) AS inserted`,
        [c.key, c.caseId, c.recipient, c.kind, JSON.stringify(await sealer.seal(c.caseId, c.body))],
      );
      logger.info({ caseId: c.caseId, workflowId: c.caseId, kind: c.kind, recipient: c.recipient, key: c.key, firstAttempt: rows[0].inserted }, 'takedown communication');
      return { firstAttempt: rows[0].inserted, sentAt: rows[0].sent_at.toISOString() };
    },
    /**
     * Pages the legal on-call for a threat to life or safety, through the paging adapter. The
     * dedup key is the case's and the step's: a retry after a 5xx or a lost answer reaches the same
     * PagerDuty alert, never a second one. PagerDuty refusing the event as malformed
     * (PagingRejectedError) is not retried; the workflow records it and the legal lead still hears.
     */
    async pageLegalOnCall(p: LegalOnCallPage): Promise<LegalOnCallPageResult> {
      let result: LegalOnCallPageResult;
      if (legalPager) {
        const r = await legalPager.trigger({
          dedupKey: p.dedupKey,
          summary: p.summary,
          source: `caseworks-takedowns-${p.brand}`,
          priority: 'P1',
          class: 'caseworks.takedown.safety',
          group: p.brand,
          component: 'takedowns',
          details: { ...p.details, caseId: p.caseId, oncall: p.target },
        });
        result = { pager: 'pagerduty', status: r.status, dedupKey: r.dedupKey, message: r.message };
      } else {
        result = { pager: 'built-in', status: 'recorded', dedupKey: p.dedupKey, message: `page recorded for ${p.target}` };
      }
      logger.warn({ caseId: p.caseId, workflowId: p.caseId, dedupKey: p.dedupKey, pager: result.pager, status: result.status, oncall: p.target }, 'legal on-call paged');
      return result;
    },

    /**
     * A preservation hold's snapshot (`version`: the hold's change number), and its keyed event in
     * its case's history, in one transaction. The event's `seq` stays empty: the hold numbers its
     * own changes, not the case's, so its events are ordered by time among the case's.
     * The event is sealed under the case's key, like every row of takedown_events; the hold's
     * own row stays in clear (the authority's request: no notifier data; erasure must find it).
     */
    async recordPreservation({ view, event, version }: { view: PreservationView; event: TakedownEventInput; version?: number }): Promise<{ eventRecorded: boolean }> {
      refuseUnstorable({ view, event, version });
      const { eventsRecorded } = await preservations.recordSnapshot(view, [event], version);
      const eventRecorded = eventsRecorded > 0;
      logger.info({ caseId: view.caseId, workflowId: view.id, event: event.type, eventKey: event.eventKey, state: view.state, eventRecorded }, 'preservation hold recorded');
      return { eventRecorded };
    },

    /** Computes the year's transparency report and stores it as that year's snapshot (replacing an earlier one). */
    async storeTransparencyReport({ year, generatedBy }: { year: number; generatedBy: string }): Promise<Omit<TransparencySnapshot, 'counts'> & { notices: number }> {
      const counts = await computeTransparencyCounts(dataSource, year);
      const { counts: _stored, ...snapshot } = await storeTransparencySnapshot(dataSource, counts, generatedBy);
      logger.info({ year, generatedBy, notices: counts.notices, generations: snapshot.generations }, 'transparency report stored');
      return { ...snapshot, notices: counts.notices };
    },
  };
}
