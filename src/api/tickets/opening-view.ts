import { CaseAttention } from '../../workflows/common/needs-attention';
import type { TicketInput, TicketView } from '../../workflows/ticket/messages';
import { TicketState } from '../../workflows/ticket/state';
import { ticketView } from '../../workflows/ticket/view';

/** A start input with the opening instant the API chose (TicketInput.openedAt). */
export type OpeningInput = TicketInput & { openedAt: string };

/**
 * A new ticket as its workflow's first state shows it, computed from the start input alone, read
 * at the instant it opened. The state's constructor and the view are the workflow's own pure code
 * (TicketState, ticketView), and `openedAt` fixes the instant both start from, so the API can
 * answer its 201 at the speed of a plain start — without waiting for the worker's first task —
 * and the answer is still the workflow's truth: test/api/ticket-opening.e2e.spec.ts compares the
 * two for every pack, priority and channel.
 */
export function openingView(input: OpeningInput): TicketView {
  const openedAt = Date.parse(input.openedAt);
  const state = new TicketState(input, openedAt);
  // Nothing is recorded before the first task, so nothing can have flagged the new ticket.
  const attention = new CaseAttention(() => ({ caseId: input.ticketId, kind: 'ticket', brand: input.brand, priority: state.priority }));
  return ticketView(input, state, attention, openedAt);
}
