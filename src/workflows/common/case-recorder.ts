import { condition, currentUpdateInfo, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { DetailsAction, withRecent } from '../../domain/ui-details';
import { Brand, CaseKind } from '../search-attributes';
import type { Wakeup } from './agenda';
import type { CaseAttention } from './needs-attention';
import type { RetriedUpdates } from './retried-updates';
import type { RunBudget } from './run-budget';

/** The opening record's number: every later change counts on from it. */
export const OPENING_SEQ = 1;

/** One change on a case's record: numbered, keyed (written once whatever retries), attributed. */
export interface CaseEvent {
  eventKey: string;
  seq: number;
  type: string;
  actor: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** What a later run needs of the recorder: the numbering, and the records a draining run queued. */
export interface RecorderCarried {
  seq: number;
  unrecorded: CaseEvent[];
  /** The last few actions the UI's details list (absent from runs handed over before they were kept). */
  recent?: DetailsAction[];
}

export interface CaseRecorderOptions<V> {
  caseId: string;
  attention: CaseAttention;
  budget: RunBudget;
  wakeup: Wakeup;
  /** When given, a recorded update is remembered as applied (a retry on a later run is answered, not applied). */
  retries?: RetriedUpdates;
  view(): V;
  /** Search attributes and the UI's current details, after each change. */
  publish(): void;
  /**
   * Writes the snapshot (as of `version`) and the events, in one activity (the read model keeps
   * the highest version). `local`: the caller asked for a local activity (RecordOptions).
   */
  write(view: V, events: CaseEvent[], version: number, local: boolean): Promise<unknown>;
  /**
   * Every record waits a turn (for the opening, even once written) before it publishes and
   * writes, as the ticket's own recorder did: the ticket's saved histories hold their commands in
   * that order (a send scheduled beside a record comes before it; a loop's timer before a
   * handler's record), so they replay. Other kinds leave it off.
   */
  alwaysAwaitOpening?: boolean;
  carried?: RecorderCarried | null;
}

/**
 * How one record is written. `local`: as a local activity, inside the workflow task that made the
 * change: no task queue round trip, no activity events, no extra workflow task. Only for a change
 * that happens whatever the task's fate (a timer's step, a new case's opening), never for an
 * update's: a local activity runs before the server accepted the update, and a dropped
 * (speculative) task would leave a record of a change that never happened (issue 20). Its failure
 * arrives unwrapped (CaseAttention.record).
 */
export interface RecordOptions {
  local?: boolean;
}

/** The attributes every case carries from its first moment (they travel with continue-as-new). */
export function publishCaseKind(kind: string, brand: string, extra: SearchAttributeUpdatePair[] = []): void {
  upsertSearchAttributes([{ key: CaseKind, value: kind }, { key: Brand, value: brand }, ...extra]);
}

/**
 * Every case kind's record of itself: a change is numbered when it is applied (so numbers follow
 * the order of changes, whatever order the writes finish in), published to the UI, and written
 * as the case's snapshot plus one event keyed by the update that caused it — a retried or
 * re-executed update writes nothing new. Records wait for the opening record; while the run
 * drains before continue-as-new they are queued and written first by the next run. A record the
 * read model refuses flags the case (CaseAttention) instead of failing it.
 */
export class CaseRecorder<V> {
  private seqNo: number;
  private queued: CaseEvent[];
  private opened = false;
  /** Events one update recorded so far (an update that records two keys the second apart). */
  private readonly perUpdate = new Map<string, number>();
  private recentActions: DetailsAction[];

  constructor(private readonly o: CaseRecorderOptions<V>) {
    this.recentActions = [...(o.carried?.recent ?? [])];
    // A new case reserves the opening's number: an update that arrived with the start may be
    // applied before run() records the opening, and must come after it.
    this.seqNo = o.carried?.seq ?? OPENING_SEQ;
    this.queued = [...(o.carried?.unrecorded ?? [])];
  }

  get seq(): number {
    return this.seqNo;
  }

  /** True once the opening record (or the previous run's queue) is written. */
  get isOpen(): boolean {
    return this.opened;
  }

  /** The last few changes recorded (type, actor, time), oldest first: what the UI's details list. */
  get recent(): readonly DetailsAction[] {
    return this.recentActions;
  }

  carry(): RecorderCarried {
    return { seq: this.seqNo, unrecorded: [...this.queued], recent: [...this.recentActions] };
  }

  /**
   * A new case's first record (number OPENING_SEQ, keyed `<caseId>:<type>`), or, on a later run,
   * the records the previous run queued. Records of handlers wait until this is done.
   */
  async start(opening: { type: string; actor: string; occurredAt: number; data: Record<string, unknown> } | null, { local = false }: RecordOptions = {}): Promise<void> {
    if (opening === null) await this.flushQueued();
    else {
      const event: CaseEvent = {
        eventKey: `${this.o.caseId}:${opening.type}`,
        seq: OPENING_SEQ,
        type: opening.type,
        actor: opening.actor,
        occurredAt: new Date(opening.occurredAt).toISOString(),
        data: opening.data,
      };
      this.recentActions = withRecent(this.recentActions, { at: opening.occurredAt, actor: opening.actor, what: opening.type.replace(/_/g, ' ') });
      const view = this.o.view();
      await this.o.attention.record(opening.type, () => this.o.write(view, [event], OPENING_SEQ, local), { local });
    }
    this.opened = true;
  }

  /**
   * Records one change, right after it was applied (synchronously: the number is taken before any
   * await). `eventKey` names a timer's step (`<caseId>:<metric>:c1:breached`); an update's event is
   * keyed by the update's ID whatever is passed, so the same update never writes twice.
   */
  async record(type: string, actor: string, data: Record<string, unknown>, eventKey?: string, { local = false }: RecordOptions = {}): Promise<V> {
    const now = Date.now();
    this.o.wakeup.poke();
    const seq = ++this.seqNo;
    this.o.retries?.applied();
    const event: CaseEvent = { eventKey: this.keyFor(type, seq, eventKey), seq, type, actor, occurredAt: new Date(now).toISOString(), data };
    this.recentActions = withRecent(this.recentActions, { at: now, actor, what: type.replace(/_/g, ' ') });
    if (this.o.budget.isDraining) {
      // The run is ending: the next run writes this first, so draining ends under any stream of updates.
      this.queued.push(event);
      this.o.publish();
      return this.o.view();
    }
    if (!this.opened || this.o.alwaysAwaitOpening) await condition(() => this.opened);
    this.o.publish();
    const view = this.o.view();
    const recorded = await this.o.attention.record(type, () => this.o.write(view, [event], seq, local), { local });
    // Flagged by this very record: the caller sees the flag at once.
    return recorded ? view : this.o.view();
  }

  private keyFor(type: string, seq: number, eventKey: string | undefined): string {
    const updateId = currentUpdateInfo()?.id;
    if (updateId === undefined) return eventKey ?? `${this.o.caseId}:${type}:seq-${seq}`;
    const n = (this.perUpdate.get(updateId) ?? 0) + 1;
    this.perUpdate.set(updateId, n);
    return `${this.o.caseId}:update:${updateId}${n > 1 ? `:${n}` : ''}`;
  }

  private async flushQueued(): Promise<void> {
    const events = this.queued;
    if (events.length === 0) return;
    const view = this.o.view();
    await this.o.attention.record(events[0].type, () => this.o.write(view, events, this.seqNo, false));
    this.queued = [];
  }
}
