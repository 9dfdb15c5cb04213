import { CaseTransitionError } from './case-transition';

/**
 * Ticket states and the transitions people may make. Pure; the workflow's update validators and
 * the API both ask these functions, so a forbidden action is refused with the same reason
 * everywhere.
 *
 *   new ──assign/reply──▶ open ⇄ pending_customer | pending_vendor
 *    └──────────────┬──────┘                │
 *                resolve ◀──────────────────┘
 *                   ▼
 *               resolved ──reopen (within window)──▶ open
 *                   └──close / auto-close──▶ closed
 */
export const TICKET_STATUSES = ['new', 'open', 'pending_customer', 'pending_vendor', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** What the ticket is about; playback tickets get the troubleshooting checklist. */
export const TICKET_CATEGORIES = ['playback', 'billing', 'account', 'technical', 'general'] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

export const TICKET_ACTIONS = ['assign', 'agent_reply', 'customer_reply', 'pending', 'priority', 'resolve', 'reopen', 'close', 'csat'] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

const WORKING: readonly TicketAction[] = ['assign', 'agent_reply', 'customer_reply', 'pending', 'priority', 'resolve'];
const ALLOWED: Record<TicketStatus, readonly TicketAction[]> = {
  new: ['assign', 'agent_reply', 'customer_reply', 'priority', 'resolve'],
  open: WORKING,
  pending_customer: WORKING,
  pending_vendor: WORKING,
  resolved: ['reopen', 'close', 'csat'],
  closed: ['csat'],
};

/** The ticket's wording of the one case refusal (its messages are what the API shows). */
export class InvalidTransitionError extends CaseTransitionError {
  constructor(
    readonly status: TicketStatus,
    override readonly action: TicketAction,
    reason?: string,
  ) {
    super(status, action, reason ? `cannot ${label(action)}: ${reason}` : `cannot ${label(action)} a ticket that is ${status}`, reason);
    this.name = 'InvalidTransitionError';
  }
}

function label(action: TicketAction): string {
  return action.replace('_', ' ');
}

export function canApply(status: TicketStatus, action: TicketAction): boolean {
  return ALLOWED[status].includes(action);
}

export type PendingReason = 'customer' | 'vendor';

/** Status after `action`; throws InvalidTransitionError naming the current state. */
export function applyTicketAction(status: TicketStatus, action: TicketAction, pendingReason?: PendingReason): TicketStatus {
  if (!canApply(status, action)) throw new InvalidTransitionError(status, action);
  switch (action) {
    case 'assign':
    case 'agent_reply':
      return status === 'new' ? 'open' : status;
    case 'customer_reply':
      return status === 'new' ? 'new' : 'open'; // the customer answered: no longer waiting on them
    case 'pending':
      return pendingReason === 'vendor' ? 'pending_vendor' : 'pending_customer';
    case 'resolve':
      return 'resolved';
    case 'reopen':
      return 'open';
    case 'close':
      return 'closed';
    case 'priority':
    case 'csat':
      return status;
  }
}

/** The time-bound rules the table above cannot express. */
export interface TicketTimeRules {
  resolvedAt: number | null;
  reopenWindowMs: number;
  surveyClosesAt: number | null;
  csatGiven: boolean;
}

export function checkTicketAction(status: TicketStatus, action: TicketAction, now: number, rules: TicketTimeRules): void {
  if (!canApply(status, action)) throw new InvalidTransitionError(status, action);
  if (action === 'reopen' && rules.resolvedAt !== null && now > rules.resolvedAt + rules.reopenWindowMs) {
    throw new InvalidTransitionError(status, action, 'the reopen window has passed; open a new ticket');
  }
  if (action === 'csat') {
    if (rules.csatGiven) throw new InvalidTransitionError(status, action, 'the survey was already answered');
    if (rules.surveyClosesAt === null || now > rules.surveyClosesAt) throw new InvalidTransitionError(status, action, 'the survey is closed');
  }
}

/**
 * First-contact resolution: resolved with at most one agent reply, no follow-up from the customer
 * (a pending round trip is a second contact), and never reopened.
 */
export function isFirstContactResolution(agentReplies: number, customerReplies: number, reopenCount: number): boolean {
  return agentReplies <= 1 && customerReplies === 0 && reopenCount === 0;
}
