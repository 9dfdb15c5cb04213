import type { TakedownActor, TakedownCommand, TakedownHistoryEntry } from '../../domain/takedown/case';
import type { RetriedUpdates } from '../common/retried-updates';
import type { RunBudget } from '../common/run-budget';
import type { TakedownInput, TakedownRunState, TakedownView } from './messages';

/**
 * What the takedown's handlers, effects and timers (handlers.ts, effects.ts, system-actions.ts)
 * need of the running case (takedown.workflow.ts): its state, the domain's verdict on an action,
 * and the record. One owner of the state; the modules only act through this.
 */
export interface Proceeding {
  readonly input: TakedownInput;
  readonly id: string;
  /** Mutable: the modules update the parts they own (content actions, communications, pages). */
  readonly s: TakedownRunState;
  readonly budget: RunBudget;
  readonly retries: RetriedUpdates;
  view(now?: number): TakedownView;
  /** In a validator: refuses (as an update failure) an action the domain does not allow now. */
  check(command: TakedownCommand, actor: TakedownActor): void;
  /** Applies the action now (the domain checks again: the state may have moved since the validator ran). */
  act(command: TakedownCommand, actor: TakedownActor): TakedownHistoryEntry;
  /** Records one change: snapshot and keyed event (see CaseRecorder). */
  commit(type: string, actor: string, data: Record<string, unknown>, eventKey?: string, at?: number): Promise<TakedownView>;
  commitEntry(entry: TakedownHistoryEntry, extra?: Record<string, unknown>, eventKey?: string): Promise<TakedownView>;
}
