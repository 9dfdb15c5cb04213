import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, proxyActivities, setCurrentDetails, startChild, upsertSearchAttributes } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createActivities } from '../../activities';
import { slaCreditSettlementWorkflowId, startOfUtcMonth } from '../../domain/billing/sla-credit-settlement';
import { CaseKind, CaseStatus } from '../search-attributes';
import { publishCaseKind } from '../common/case-recorder';
import { finalOn, OUTSIDE_SERVICE } from '../common/retry-policies';
import type { SlaCreditSettlement, SlaCreditSweep, SlaCreditSweepInput } from './sla-credit-messages';

const { loadSlaCredit, markSlaCreditSettled, recordSlaCreditFailure, listUnsettledSlaCredits } = proxyActivities<ReturnType<typeof createActivities>>(OUTSIDE_SERVICE);
// Money moves here: the key is the credit's (sla-credit:<key>). The timeout is above the gateway
// client's own (10 s), so a dead worker's attempt is retried quickly, with the same key.
const { issueSlaCreditNote } = proxyActivities<ReturnType<typeof createActivities>>({ ...finalOn(OUTSIDE_SERVICE, ['GatewayRejectedError']), startToCloseTimeout: '15 seconds' });

/**
 * Settles one SLA credit, exactly once: a credit note at the gateway under sla-credit:<key>, then
 * the credit marked settled with the note's ID.
 *
 * One workflow per credit, not per customer and month: each credit already carries its own key,
 * amount (capped when recorded) and idempotency key, so there is nothing left to add up; one
 * credit the gateway refuses (no paid invoice to credit) fails alone, visible in the UI, without
 * holding back the customer's other credits; and the workflow ID is the credit's, so a second
 * sweep can never settle it twice.
 *
 * Exactly once across crashes: if the worker dies after the gateway made the note but before the
 * answer reached history, the retried activity replays the key and gets the same note; once the
 * answer is in history, a new worker goes straight on to the database write (conditional on
 * settled_at IS NULL). Past the gateway's 24 h key window the adapter finds the note by its
 * sla_credit_key metadata. A refused credit is recorded on the row and the workflow fails, so the
 * next sweep may start it again (reuse policy: failed only).
 */
export async function slaCreditSettlementWorkflow({ key }: { key: string }): Promise<SlaCreditSettlement> {
  const credit = await loadSlaCredit({ key });
  if (!credit) throw ApplicationFailure.nonRetryable(`no SLA credit ${key}`, 'UnknownSlaCredit');
  publishCaseKind('sla_credit', credit.brand);
  const result = (outcome: SlaCreditSettlement['outcome'], settlementRef: string | null): SlaCreditSettlement => {
    upsertSearchAttributes([{ key: CaseStatus, value: outcome }]);
    setCurrentDetails(`**${outcome}** · ${credit.owedMinor} ${credit.currency} (minor units) · ticket ${credit.ticketId}${settlementRef ? ` · ${settlementRef}` : ''}`);
    return { key, outcome, settlementRef, amountMinor: credit.owedMinor, currency: credit.currency };
  };
  if (credit.settledAt) return result('already_settled', credit.settlementRef);
  // The monthly cap can leave a breach with nothing owed: settled, with no note.
  if (credit.owedMinor === 0) {
    await markSlaCreditSettled({ key, settlementRef: null, kind: 'nothing_owed' });
    return result('nothing_owed', null);
  }
  setCurrentDetails(`**settling** · ${credit.owedMinor} ${credit.currency} (minor units) · ticket ${credit.ticketId}`);
  let noteId: string;
  try {
    noteId = (await issueSlaCreditNote(credit)).id;
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const reason = err.cause?.message ?? err.message;
    await recordSlaCreditFailure({ key, reason });
    upsertSearchAttributes([{ key: CaseStatus, value: 'failed' }]);
    throw ApplicationFailure.nonRetryable(`SLA credit ${key} not settled: ${reason}`, 'SlaCreditNotSettled');
  }
  const marked = await markSlaCreditSettled({ key, settlementRef: noteId, kind: 'credit_note' });
  return result('settled', marked.settlementRef);
}

/**
 * The settlement run (the monthly Schedule, or POST /v1/billing/sla-credits/settle): starts one
 * settlement per credit still owed and reports how each ended. Children are abandoned, not
 * cancelled, if the run itself ends early: a settlement under way finishes.
 */
export async function slaCreditSweepWorkflow(input: SlaCreditSweepInput = {}): Promise<SlaCreditSweep> {
  const now = Date.now();
  // The schedule settles the months that have ended; a person settles everything owed until now.
  const breachedBefore = input.breachedBefore ?? new Date(input.cutoff === 'start_of_month' ? startOfUtcMonth(now) : now).toISOString();
  const keys = input.keys ?? (await listUnsettledSlaCredits({ breachedBefore, limit: input.limit ?? 500 }));
  upsertSearchAttributes([{ key: CaseKind, value: 'sla_credit_sweep' }]);
  setCurrentDetails(`settling ${keys.length} SLA credit(s) breached before ${breachedBefore}`);
  const sweep: SlaCreditSweep = { breachedBefore, settled: [], failed: [], inProgress: [] };
  const runs = await Promise.all(
    keys.map(async (key) => {
      try {
        return await startChild(slaCreditSettlementWorkflow, {
          workflowId: slaCreditSettlementWorkflowId(key),
          args: [{ key }],
          parentClosePolicy: 'ABANDON',
          workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          staticSummary: 'Enterprise SLA credit → credit note',
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        // Running (another sweep started it) or settled already: either way, not ours to start.
        sweep.inProgress.push(key);
        return null;
      }
    }),
  );
  await Promise.all(
    runs.map(async (run, i) => {
      if (!run) return;
      try {
        sweep.settled.push(await run.result());
      } catch (err) {
        if (!(err instanceof ChildWorkflowFailure)) throw err;
        sweep.failed.push({ key: keys[i], reason: err.cause?.message ?? err.message });
      }
    }),
  );
  setCurrentDetails(`${sweep.settled.length} settled, ${sweep.failed.length} failed, ${sweep.inProgress.length} already under way (breached before ${breachedBefore})`);
  return sweep;
}
