import { condition, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { Wakeup } from '../common/agenda';
import { CaseEvent, CaseRecorder, RecorderCarried } from '../common/case-recorder';
import type { CaseAttention } from '../common/needs-attention';
import { finalOn, OUTSIDE_SERVICE, READ_MODEL_WRITE } from '../common/retry-policies';
import type { RunBudget } from '../common/run-budget';
import { redactCardData } from '../../domain/billing/card-redaction';
import { onRecordRefused, stopAfterRefusal } from './card-data-guard';

const { recordBillingCase } = proxyActivities<ReturnType<typeof createActivities>>(READ_MODEL_WRITE);
const { sendNotification } = proxyActivities<ReturnType<typeof createActivities>>(finalOn(OUTSIDE_SERVICE, ['GatewayRejectedError']));

/** Who is told that a person must take the case over, and what they read. */
export interface RemediationNotice {
  key: string;
  recipient: string | null;
  summary: string;
}

export interface BillingRecorderOptions<V extends object> {
  kind: 'refund' | 'dispute' | 'dunning';
  caseId: string;
  brand: string;
  /** What the case row is found by (the customer, or the disputed charge). */
  customerRef: string;
  /** The case's state column, at the moment of the write. */
  state(): string;
  attention: CaseAttention;
  budget: RunBudget;
  wakeup: Wakeup;
  view(): V;
  publish(): void;
  carried?: RecorderCarried | null;
  /**
   * Every record waits a turn before it is numbered, even once the opening is written, as the
   * refund's and the dispute's own recorders did: their histories hold a send started beside a
   * record (Promise.all) before the record's commands, so they replay. Dunning leaves it off.
   */
  alwaysAwaitTurn?: boolean;
}

/**
 * The case core's recorder (CaseRecorder) for a billing case, plus what billing adds: a record
 * the read model refuses because it holds card data stops the case (card-data-guard.ts) instead of
 * flagging it, and from then on nothing more is recorded but the refusal itself.
 */
export class BillingRecorder<V extends object> {
  /** The field path of card data that made recordBillingCase refuse the case's record. */
  private refused: string | null;
  private readonly core: CaseRecorder<V>;

  constructor(
    private readonly o: BillingRecorderOptions<V>,
    refusedPath: string | null = null,
  ) {
    this.refused = refusedPath;
    this.core = new CaseRecorder<V>({
      caseId: o.caseId,
      attention: o.attention,
      budget: o.budget,
      wakeup: o.wakeup,
      view: o.view,
      publish: o.publish,
      carried: o.carried,
      write: (view, events, version) => this.write(view, events, version),
    });
  }

  get refusedPath(): string | null {
    return this.refused;
  }

  /** What the case shows (and stores): once a record was refused for card data, last four digits only. */
  shown(view: V): V {
    return this.refused === null ? view : redactCardData(view);
  }

  /** The last few actions, for the UI's details. */
  get recent() {
    return this.core.recent;
  }

  get seq(): number {
    return this.core.seq;
  }

  carry(): RecorderCarried {
    return this.core.carry();
  }

  /** Resolves (null) once a record was refused for card data: the case's main flow races on it. */
  refusal(): Promise<null> {
    return condition(() => this.refused !== null).then(() => null);
  }

  /** The opening record (or, on a continued run, the previous run's queue), before any other. */
  start(opening: Parameters<CaseRecorder<V>['start']>[0]): Promise<void> {
    return this.core.start(opening);
  }

  /**
   * Records one change (see CaseRecorder.record). It waits for the opening first and is numbered
   * after it; once a record was refused for card data it never returns (an update fails with 409).
   * `applied` runs right before the change is numbered (the dispute's bounded history).
   */
  async record(type: string, actor: string, data: Record<string, unknown>, eventKey?: string, applied?: () => void): Promise<V> {
    if (!this.core.isOpen || this.o.alwaysAwaitTurn) await condition(() => this.core.isOpen || this.refused !== null);
    if (this.refused !== null) await stopAfterRefusal(this.refused);
    applied?.();
    return this.core.record(type, actor, data, eventKey);
  }

  /**
   * The last record of a case whose record held card data: flagged, stored redacted under
   * `customerRef`, numbered after every record before it; then a person is told.
   */
  async recordRefusal(customerRef: string, occurredAt: number, notice: RemediationNotice): Promise<void> {
    const path = this.refused ?? '(unknown)';
    // The remediation notice tells a person; the flag makes the case findable.
    await this.o.attention.flag('record', { reason: 'card_data_refused', sqlstate: null, field: path }, { notify: false });
    const seq = this.core.seq + 1;
    const event: CaseEvent = { eventKey: `${this.o.caseId}:card-data-refused`, type: 'card_data_refused', actor: 'system', occurredAt: new Date(occurredAt).toISOString(), data: { path }, seq };
    await this.o.attention.record('card_data_refused', () =>
      recordBillingCase({ kind: this.o.kind, id: this.o.caseId, brand: this.o.brand, state: this.o.state(), customerRef, snapshot: this.o.view(), version: seq }, event),
    );
    await sendNotification({ ...notice, kind: 'refund_remediation', ticketId: this.o.caseId, brand: this.o.brand, priority: 'billing', metric: null, level: 'owner' });
  }

  /** One write per event, in order (recordBillingCase takes one); `version`: the newest change the snapshot shows. */
  private async write(snapshot: V, events: CaseEvent[], version: number): Promise<void> {
    for (const event of events) {
      await recordBillingCase(
        { kind: this.o.kind, id: this.o.caseId, brand: this.o.brand, state: this.o.state(), customerRef: this.o.customerRef, snapshot, version },
        { eventKey: event.eventKey, type: event.type, actor: event.actor, occurredAt: event.occurredAt, data: event.data, seq: event.seq },
      ).catch((err: unknown) => onRecordRefused(err, (path) => (this.refused ??= path)));
    }
  }
}
