import {
  applyTicketAction,
  canApply,
  checkTicketAction,
  InvalidTransitionError,
  isFirstContactResolution,
  TICKET_ACTIONS,
  TICKET_STATUSES,
  TicketAction,
  TicketStatus,
  TicketTimeRules,
} from '../../src/domain/ticket';

/**
 * The expected transition table, written out in full from the lifecycle
 * (new ─assign/reply→ open ⇄ pending_*, resolve from any working state, resolved ─reopen→ open,
 * resolved ─close→ closed, CSAT on resolved/closed). `null` = forbidden. For 'pending' the value
 * is the status without a reason (customer); the vendor case is tested separately.
 */
type Row = Record<TicketAction, TicketStatus | null>;
const forbidden = (over: Partial<Row>): Row => ({
  assign: null,
  agent_reply: null,
  customer_reply: null,
  pending: null,
  priority: null,
  resolve: null,
  reopen: null,
  close: null,
  csat: null,
  ...over,
});
const TABLE: Record<TicketStatus, Row> = {
  new: forbidden({ assign: 'open', agent_reply: 'open', customer_reply: 'new', priority: 'new', resolve: 'resolved' }),
  open: forbidden({ assign: 'open', agent_reply: 'open', customer_reply: 'open', pending: 'pending_customer', priority: 'open', resolve: 'resolved' }),
  pending_customer: forbidden({
    assign: 'pending_customer',
    agent_reply: 'pending_customer',
    customer_reply: 'open',
    pending: 'pending_customer',
    priority: 'pending_customer',
    resolve: 'resolved',
  }),
  pending_vendor: forbidden({
    assign: 'pending_vendor',
    agent_reply: 'pending_vendor',
    customer_reply: 'open',
    pending: 'pending_customer',
    priority: 'pending_vendor',
    resolve: 'resolved',
  }),
  resolved: forbidden({ reopen: 'open', close: 'closed', csat: 'resolved' }),
  closed: forbidden({ csat: 'closed' }),
};

const CASES = (Object.keys(TABLE) as TicketStatus[]).flatMap((status) =>
  (Object.keys(TABLE[status]) as TicketAction[]).map((action) => [status, action, TABLE[status][action]] as const),
);
const ALLOWED_CASES = CASES.filter(([, , next]) => next !== null);
const FORBIDDEN_CASES = CASES.filter(([, , next]) => next === null);

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('ticket transition table', () => {
  it('covers exactly the statuses and actions the module declares', () => {
    expect([...TICKET_STATUSES].sort()).toEqual(Object.keys(TABLE).sort());
    expect([...TICKET_ACTIONS].sort()).toEqual(Object.keys(TABLE.new).sort());
    expect(CASES).toHaveLength(TICKET_STATUSES.length * TICKET_ACTIONS.length);
  });

  it.each(ALLOWED_CASES)('%s × %s is allowed and leads to %s', (status, action, next) => {
    expect(canApply(status, action)).toBe(true);
    expect(applyTicketAction(status, action)).toBe(next);
  });

  it.each(FORBIDDEN_CASES)('%s × %s is refused with InvalidTransitionError naming the current status', (status, action) => {
    expect(canApply(status, action)).toBe(false);
    const err = thrown(() => applyTicketAction(status, action));
    expect(err).toBeInstanceOf(InvalidTransitionError);
    const e = err as InvalidTransitionError;
    expect(e.name).toBe('InvalidTransitionError');
    expect(e.status).toBe(status);
    expect(e.action).toBe(action);
    expect(e.reason).toBeUndefined();
    expect(e.message).toBe(`cannot ${action.replace('_', ' ')} a ticket that is ${status}`);
  });

  it('says "cannot agent reply a ticket that is resolved" (the action in words, the current status named)', () => {
    expect(() => applyTicketAction('resolved', 'agent_reply')).toThrow('cannot agent reply a ticket that is resolved');
    expect(() => applyTicketAction('closed', 'reopen')).toThrow('cannot reopen a ticket that is closed');
    expect(() => applyTicketAction('new', 'pending')).toThrow('cannot pending a ticket that is new');
  });

  it('pending with reason "vendor" waits on the vendor, otherwise on the customer, from every working state', () => {
    for (const status of ['open', 'pending_customer', 'pending_vendor'] as const) {
      expect(applyTicketAction(status, 'pending', 'vendor')).toBe('pending_vendor');
      expect(applyTicketAction(status, 'pending', 'customer')).toBe('pending_customer');
      expect(applyTicketAction(status, 'pending')).toBe('pending_customer');
    }
  });

  it('a pending reason does not make a forbidden pending allowed', () => {
    expect(() => applyTicketAction('resolved', 'pending', 'vendor')).toThrow(InvalidTransitionError);
    expect(() => applyTicketAction('new', 'pending', 'customer')).toThrow(InvalidTransitionError);
  });

  it('canApply and applyTicketAction agree for every status × action', () => {
    for (const status of TICKET_STATUSES) {
      for (const action of TICKET_ACTIONS) {
        const throws = thrown(() => applyTicketAction(status, action)) !== undefined;
        expect({ status, action, allowed: canApply(status, action) }).toEqual({ status, action, allowed: !throws });
      }
    }
  });
});

describe('checkTicketAction (time-bound rules)', () => {
  const RESOLVED_AT = 1_700_000_000_000;
  const WINDOW = 7 * 86_400_000;
  const rules = (over: Partial<TicketTimeRules> = {}): TicketTimeRules => ({
    resolvedAt: RESOLVED_AT,
    reopenWindowMs: WINDOW,
    surveyClosesAt: RESOLVED_AT + 3 * 86_400_000,
    csatGiven: false,
    ...over,
  });

  it('refuses what the table refuses, naming the status', () => {
    const err = thrown(() => checkTicketAction('closed', 'reopen', RESOLVED_AT, rules()));
    expect(err).toBeInstanceOf(InvalidTransitionError);
    expect((err as Error).message).toBe('cannot reopen a ticket that is closed');
  });

  it('allows reopening up to and including the end of the reopen window', () => {
    expect(() => checkTicketAction('resolved', 'reopen', RESOLVED_AT + 1, rules())).not.toThrow();
    expect(() => checkTicketAction('resolved', 'reopen', RESOLVED_AT + WINDOW, rules())).not.toThrow();
  });

  it('refuses reopening after the window, with the reason', () => {
    const err = thrown(() => checkTicketAction('resolved', 'reopen', RESOLVED_AT + WINDOW + 1, rules()));
    expect(err).toBeInstanceOf(InvalidTransitionError);
    expect((err as InvalidTransitionError).reason).toMatch(/reopen window has passed/);
    expect((err as Error).message).toBe('cannot reopen: the reopen window has passed; open a new ticket');
  });

  it('accepts a CSAT answer while the survey is open, once', () => {
    expect(() => checkTicketAction('resolved', 'csat', RESOLVED_AT + 1, rules())).not.toThrow();
    expect(() => checkTicketAction('closed', 'csat', RESOLVED_AT + 3 * 86_400_000, rules())).not.toThrow();
    expect(() => checkTicketAction('closed', 'csat', RESOLVED_AT + 1, rules({ csatGiven: true }))).toThrow('the survey was already answered');
  });

  it('refuses a CSAT answer after the survey closes, or when no survey was opened', () => {
    expect(() => checkTicketAction('closed', 'csat', RESOLVED_AT + 3 * 86_400_000 + 1, rules())).toThrow('the survey is closed');
    expect(() => checkTicketAction('resolved', 'csat', RESOLVED_AT + 1, rules({ surveyClosesAt: null }))).toThrow('the survey is closed');
  });

  it('does not apply the time rules to other actions', () => {
    expect(() => checkTicketAction('open', 'agent_reply', RESOLVED_AT + 100 * WINDOW, rules({ csatGiven: true, surveyClosesAt: null }))).not.toThrow();
  });
});

describe('isFirstContactResolution', () => {
  it('is true only for one agent reply, no customer follow-up and no reopen', () => {
    expect(isFirstContactResolution(1, 0, 0)).toBe(true);
    expect(isFirstContactResolution(0, 0, 0)).toBe(true); // resolved without a separate reply
    expect(isFirstContactResolution(2, 0, 0)).toBe(false);
    expect(isFirstContactResolution(1, 1, 0)).toBe(false); // a pending round trip is a second contact
    expect(isFirstContactResolution(1, 0, 1)).toBe(false);
  });
});
