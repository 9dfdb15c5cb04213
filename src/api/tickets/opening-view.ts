import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import { CaseAttention } from '../../workflows/common/needs-attention';
import type { TicketInput, TicketView } from '../../workflows/ticket/messages';
import { TicketState } from '../../workflows/ticket/state';
import { ticketView } from '../../workflows/ticket/view';

/** A start input with the opening instant the API chose (TicketInput.openedAt). */
export type OpeningInput = TicketInput & { openedAt: string };

/**
 * A new ticket as its workflow's first state shows it, computed from the start input alone, read
 * at the instant it opened (the 201) or at `readAt`. The state's constructor and the view are the
 * workflow's own pure code (TicketState, ticketView), and `openedAt` fixes the instant both start
 * from, so the API can answer its 201 at the speed of a plain start — without waiting for the
 * worker's first task — and the answer is still the workflow's truth:
 * test/api/ticket-opening.e2e.spec.ts compares the two for every pack, priority and channel.
 */
export function openingView(input: OpeningInput, readAt = Date.parse(input.openedAt)): TicketView {
  const state = new TicketState(input, Date.parse(input.openedAt));
  // Nothing is recorded before the first task, so nothing can have flagged the new ticket.
  const attention = new CaseAttention(() => ({ caseId: input.ticketId, kind: 'ticket', brand: input.brand, priority: state.priority }));
  return ticketView(input, state, attention, readAt);
}

/**
 * The longest history of a ticket still at its opening: started, its first workflow task
 * scheduled and started. Completing that task adds at least one more event.
 */
const OPENING_HISTORY_EVENTS = 3;

/**
 * A running ticket whose first workflow task has not completed (a busy worker, a backlog) cannot
 * answer a query until it does and is not in the read model yet; a read straight after its 201
 * must still find it, at once. Nothing has happened to it but its start, so its state is the
 * opening's, read at `readAt` from the start input in its history with the same code as the 201.
 * Undefined once a workflow task has completed (the ticket may have moved on: the caller asks the
 * workflow), or for a ticket whose input has no openedAt (opened before the API set it).
 */
export async function openingFromHistory(temporal: Client, id: string, historyLength: number, readAt: number): Promise<TicketView | undefined> {
  if (historyLength > OPENING_HISTORY_EVENTS) return undefined;
  const { events } = await temporal.workflow.getHandle(id).fetchHistory();
  const started = events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started || events!.some((e) => e.workflowTaskCompletedEventAttributes)) return undefined;
  let input: TicketInput;
  try {
    input = await decodeFromPayloadsAtIndex<TicketInput>(temporal.options.loadedDataConverter, 0, started.input?.payloads);
  } catch {
    // Not readable here (an erased ticket's destroyed key): the query path gives the answer.
    return undefined;
  }
  if (!input.openedAt || input.carried) return undefined;
  return openingView(input as OpeningInput, readAt);
}
