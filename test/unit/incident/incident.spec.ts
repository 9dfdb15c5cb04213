import {
  applyIncidentAction,
  canApplyIncidentAction,
  checkIncidentAction,
  INCIDENT_ACTIONS,
  INCIDENT_STATUSES,
  IncidentAction,
  IncidentStatus,
  InvalidIncidentTransitionError,
  postIncidentReviewSchema,
  requiresPostIncidentReview,
  reviewProblem,
} from '../../../src/domain/incident/incident';
import { CaseTransitionError } from '../../../src/domain/case-transition';

/**
 * The expected table, written out in full from the lifecycle (for a P2, where close from resolved
 * is allowed). `null` = forbidden.
 */
type Row = Record<IncidentAction, IncidentStatus | null>;
const forbidden = (over: Partial<Row>): Row => ({
  acknowledge: null,
  note: null,
  mitigate: null,
  resolve: null,
  priority: null,
  link_ticket: null,
  review: null,
  close: null,
  ...over,
});
const TABLE: Record<IncidentStatus, Row> = {
  triggered: forbidden({ acknowledge: 'acknowledged', note: 'triggered', resolve: 'resolved', priority: 'triggered', link_ticket: 'triggered' }),
  acknowledged: forbidden({ note: 'acknowledged', mitigate: 'mitigated', resolve: 'resolved', priority: 'acknowledged', link_ticket: 'acknowledged' }),
  mitigated: forbidden({ note: 'mitigated', resolve: 'resolved', priority: 'mitigated', link_ticket: 'mitigated' }),
  resolved: forbidden({ note: 'resolved', link_ticket: 'resolved', review: 'review_pending', close: 'closed' }),
  review_pending: forbidden({ note: 'review_pending', link_ticket: 'review_pending', review: 'review_pending', close: 'closed' }),
  closed: forbidden({}),
};

const cases = INCIDENT_STATUSES.flatMap((status) => INCIDENT_ACTIONS.map((action) => [status, action, TABLE[status][action]] as const));

describe('incident lifecycle (P2)', () => {
  it.each(cases.filter(([, , to]) => to !== null))('%s --%s--> %s', (status, action, to) => {
    expect(canApplyIncidentAction(status, action)).toBe(true);
    expect(applyIncidentAction(status, action, 'P2')).toBe(to);
  });

  it.each(cases.filter(([, , to]) => to === null))('%s --%s--> refused', (status, action) => {
    expect(canApplyIncidentAction(status, action)).toBe(false);
    expect(() => checkIncidentAction(status, action, 'P2')).toThrow(InvalidIncidentTransitionError);
  });

  it('names the current status and the action in the refusal', () => {
    expect(catchError(() => applyIncidentAction('review_pending', 'acknowledge', 'P1')).message).toBe('cannot acknowledge an incident that is review pending');
    const err = catchError(() => applyIncidentAction('closed', 'link_ticket', 'P3'));
    expect(err).toBeInstanceOf(InvalidIncidentTransitionError);
    expect(err.message).toBe('cannot link a ticket to an incident that is closed');
    expect([err.status, err.action]).toEqual(['closed', 'link_ticket']);
    expect(catchError(() => applyIncidentAction('triggered', 'mitigate', 'P1')).message).toBe('cannot mitigate an incident that is triggered');
    expect(catchError(() => applyIncidentAction('resolved', 'priority', 'P1')).message).toBe('cannot change the priority of an incident that is resolved');
  });
});

describe('every P1 goes through a post-incident review', () => {
  it('refuses to close a resolved P1, naming why', () => {
    const err = catchError(() => applyIncidentAction('resolved', 'close', 'P1'));
    expect(err).toBeInstanceOf(InvalidIncidentTransitionError);
    expect(err.message).toBe('cannot close an incident that is resolved: a P1 needs a post-incident review before it can be closed');
    expect(err.reason).toMatch(/post-incident review/);
  });

  it('is the case core\'s one refusal: a CaseTransitionError naming the state, the action and why (what the workflow sends as details)', () => {
    const err = catchError(() => applyIncidentAction('resolved', 'close', 'P1'));
    expect(err).toBeInstanceOf(CaseTransitionError);
    expect([err.state, err.action, err.reason]).toEqual(['resolved', 'close', 'a P1 needs a post-incident review before it can be closed']);
    const plain = catchError(() => applyIncidentAction('closed', 'note', 'P3'));
    expect([plain.state, plain.action, plain.reason]).toEqual(['closed', 'note', undefined]);
  });

  it('walks a P1 from trigger to close through review_pending', () => {
    const path: IncidentAction[] = ['acknowledge', 'note', 'mitigate', 'resolve', 'review', 'close'];
    const seen = path.reduce<IncidentStatus[]>((acc, action) => [...acc, applyIncidentAction(acc[acc.length - 1], action, 'P1')], ['triggered']);
    expect(seen).toEqual(['triggered', 'acknowledged', 'acknowledged', 'mitigated', 'resolved', 'review_pending', 'closed']);
  });

  it('lets lower priorities close straight from resolved, and S1 counts as top tier too', () => {
    expect(applyIncidentAction('resolved', 'close', 'P2')).toBe('closed');
    expect(applyIncidentAction('resolved', 'close', 'P4')).toBe('closed');
    expect(() => applyIncidentAction('resolved', 'close', 'S1')).toThrow(/S1 needs a post-incident review/);
    expect([requiresPostIncidentReview('P1'), requiresPostIncidentReview('S1'), requiresPostIncidentReview('P2'), requiresPostIncidentReview('p1')]).toEqual([true, true, false, false]);
  });
});

describe('postIncidentReviewSchema', () => {
  const review = {
    summary: 'Edge cluster lhr-3 served 5xx after a bad config push.',
    rootCauseCategory: 'infrastructure' as const,
    impact: { minutes: 42, affectedUsers: 18_000 },
    correctiveActions: [{ action: 'Canary CDN config pushes', owner: 'sre-team', due: '2025-02-01' }],
    costImpact: { amountMinor: 1_250_000, currency: 'GBP' },
  };

  it('accepts a complete review', () => {
    expect(postIncidentReviewSchema.parse(review)).toEqual(review);
  });

  it.each([
    [{ ...review, summary: ' ' }, 'summary'],
    [{ ...review, correctiveActions: [] }, 'correctiveActions'],
    [{ ...review, correctiveActions: [{ action: 'x', owner: 'y', due: 'soon' }] }, 'correctiveActions.0.due'],
    [{ ...review, costImpact: { amountMinor: -1, currency: 'GBP' } }, 'costImpact.amountMinor'],
    [{ ...review, costImpact: { amountMinor: 1, currency: 'pounds' } }, 'costImpact.currency'],
    [{ ...review, costImpact: undefined }, 'costImpact'],
    [{ ...review, rootCauseCategory: 'gremlins' }, 'rootCauseCategory'],
    [{ ...review, impact: { minutes: -5, affectedUsers: 1 } }, 'impact.minutes'],
  ])('names the missing or bad field (%#)', (input, path) => {
    const parsed = postIncidentReviewSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].path.join('.')).toBe(path);
  });
});

function catchError(fn: () => unknown): InvalidIncidentTransitionError {
  try {
    fn();
  } catch (err) {
    return err as InvalidIncidentTransitionError;
  }
  throw new Error('expected a refusal');
}

describe('reviewProblem (the workflow-side check, without zod)', () => {
  const review = {
    summary: 'Edge cluster lhr-3 served 5xx after a bad config push.',
    rootCauseCategory: 'infrastructure' as const,
    impact: { minutes: 42, affectedUsers: 18_000 },
    correctiveActions: [{ action: 'Canary CDN config pushes', owner: 'sre-team', due: '2025-02-01' }],
    costImpact: { amountMinor: 1_250_000, currency: 'GBP' },
  };
  it.each([
    [review, null],
    [{ ...review, summary: ' ' }, 'summary'],
    [{ ...review, rootCauseCategory: 'gremlins' }, 'rootCauseCategory'],
    [{ ...review, impact: { minutes: -5, affectedUsers: 1 } }, 'impact.minutes'],
    [{ ...review, correctiveActions: [] }, 'correctiveActions'],
    [{ ...review, correctiveActions: [{ action: 'x', owner: 'y', due: 'soon' }] }, 'correctiveActions.0.due'],
    [{ ...review, costImpact: { amountMinor: 1, currency: 'pounds' } }, 'costImpact.currency'],
  ])('agrees with postIncidentReviewSchema (%#)', (input, field) => {
    const problem = reviewProblem(input as never);
    expect(problem?.field ?? null).toBe(field);
    const parsed = postIncidentReviewSchema.safeParse(input);
    expect(parsed.success).toBe(field === null);
    if (!parsed.success) expect(parsed.error.issues[0].path.join('.')).toBe(field);
  });
});
