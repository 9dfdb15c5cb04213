import { ActivityFailure, ApplicationFailure, deprecatePatch, proxyActivities, TemporalFailure, upsertSearchAttributes } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { NeedsAttention } from '../search-attributes';
import { OUTSIDE_SERVICE } from './retry-policies';

const { sendNotification } = proxyActivities<ReturnType<typeof createActivities>>(OUTSIDE_SERVICE);

// Failure types of src/activities/permanent-failure.ts and card-redaction.ts (string constants:
// the workflow bundle imports nothing of the activities' world).
const UNSTORABLE_RECORD = 'UnstorableRecord';
const CARD_DATA_REFUSED = 'CardDataRefused';

/** Retired (issue 13): every case flags; called where patched() was so older histories replay. */
const NEEDS_ATTENTION_PATCH = 'case-needs-attention';

export type NeedsAttentionReason = 'record_refused' | 'card_data_refused' | 'record_retries_exhausted';

/** What GET shows of a flagged case: codes and a field path, never the refused text. */
export interface NeedsAttentionView {
  reason: NeedsAttentionReason;
  since: string;
  /** The transition whose record failed first (an event type, e.g. `opened`, `customer_reply`). */
  step: string;
  /** PostgreSQL's SQLSTATE, when the database refused the record (22021: a NUL byte). */
  sqlstate: string | null;
  /** Where in the record the unstorable value sits (keys only), when known. */
  field: string | null;
  /** Records that failed since the case was flagged, the first included. */
  failedRecords: number;
}

export interface AttentionSubject {
  caseId: string;
  kind: string;
  brand: string;
  priority: string;
}

export interface Refusal {
  reason: NeedsAttentionReason;
  sqlstate: string | null;
  field: string | null;
}

/**
 * One mechanism for every case kind: a record the read model refuses for good (or whose bounded
 * retries ran out) flags the case instead of failing it or retrying it forever. Flagging upserts
 * `NeedsAttention = true`, sends one notification to the operations channel (keyed by the case)
 * and shows `needsAttention` in the case's view; the workflow keeps running, answering queries
 * and updates. Each later transition's record is tried again (a refused one fails at its first
 * attempt), so history grows by one failed activity per transition at most, and the read model
 * catches up once a record is storable again.
 */
export class CaseAttention {
  private flagged: NeedsAttentionView | null;

  /** `restored`: the flag a case carried across continue-as-new (absent: not flagged). */
  constructor(
    private readonly subject: () => AttentionSubject,
    restored: NeedsAttentionView | null = null,
  ) {
    this.flagged = restored === null ? null : { ...restored };
  }

  /** The flag as it stands, for a case to carry into its next run. */
  get state(): NeedsAttentionView | null {
    return this.flagged === null ? null : { ...this.flagged };
  }

  /** For the case's view: `{ needsAttention }` once flagged, nothing before (older views unchanged). */
  get viewField(): { needsAttention?: NeedsAttentionView } {
    return this.flagged === null ? {} : { needsAttention: { ...this.flagged } };
  }

  get isFlagged(): boolean {
    return this.flagged !== null;
  }

  /**
   * Runs one record; true when it was stored, false when it failed and the case is flagged.
   * `local`: `write` only runs a local activity, whose failure arrives unwrapped (the activity's
   * own ApplicationFailure, or a TimeoutFailure), not as an ActivityFailure.
   */
  async record(step: string, write: () => Promise<unknown>, { local = false }: { local?: boolean } = {}): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (err) {
      const failure = err instanceof ActivityFailure ? err.cause : local && err instanceof TemporalFailure ? err : undefined;
      if (failure === undefined) throw err;
      deprecatePatch(NEEDS_ATTENTION_PATCH);
      await this.flag(step, refusalOf(failure));
      return false;
    }
  }

  /** Flags the case (once; later failures are counted). `notify: false` where the caller already tells a person. */
  async flag(step: string, refusal: Refusal, { notify = true }: { notify?: boolean } = {}): Promise<void> {
    deprecatePatch(NEEDS_ATTENTION_PATCH);
    if (this.flagged !== null) {
      this.flagged.failedRecords++;
      return;
    }
    const { caseId, kind, brand, priority } = this.subject();
    this.flagged = { ...refusal, step, since: new Date(Date.now()).toISOString(), failedRecords: 1 };
    upsertSearchAttributes([{ key: NeedsAttention, value: true }]);
    if (!notify) return;
    const where = refusal.field ? ` at ${refusal.field}` : '';
    const code = refusal.sqlstate ? ` (SQLSTATE ${refusal.sqlstate})` : '';
    await sendNotification({
      key: `${caseId}:needs-attention`,
      kind: 'case_needs_attention',
      ticketId: caseId,
      brand,
      priority,
      metric: null,
      level: 'operations',
      recipient: null,
      summary: `${kind} ${caseId} needs attention: ${refusal.reason.replace(/_/g, ' ')} at step ${step}${where}${code}; the case keeps running, its read model is behind`,
    });
  }
}

/** What a failed record activity's cause says about why: a refusal (final) or retries that ran out. */
export function refusalOf(cause: Error | undefined): Refusal {
  if (cause instanceof ApplicationFailure && (cause.type === UNSTORABLE_RECORD || cause.type === CARD_DATA_REFUSED)) {
    const details = (cause.details?.[0] ?? {}) as { sqlstate?: unknown; field?: unknown; path?: unknown };
    const field = typeof details.field === 'string' ? details.field : typeof details.path === 'string' ? details.path : null;
    return {
      reason: cause.type === CARD_DATA_REFUSED ? 'card_data_refused' : 'record_refused',
      sqlstate: typeof details.sqlstate === 'string' ? details.sqlstate : null,
      field,
    };
  }
  return { reason: 'record_retries_exhausted', sqlstate: null, field: null };
}
