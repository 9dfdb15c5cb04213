import fc from 'fast-check';
import {
  applyTakedownAction,
  checkTakedownAction,
  InvalidTakedownTransitionError,
  openTakedownCase,
  TAKEDOWN_ACTIONS,
  TAKEDOWN_STATES,
  TakedownAction,
  TakedownActor,
  TakedownCase,
  TakedownCommand,
  TakedownDecision,
  TakedownForbiddenError,
  TakedownState,
} from '../../../src/domain/takedown/case';
import type { Regime } from '../../../src/domain/takedown/regime';
import { complaintDeadline } from '../../../src/domain/takedown/deadlines';
import { DAY, HOUR, nyEdt, POLICY, removalDecision } from './fixtures';

const LEGAL: TakedownActor = { id: 'legal-7', role: 'legal' };
const SYSTEM: TakedownActor = { id: 'system', role: 'system' };
/** Another lawyer: complaints are reviewed by someone other than the decider. */
const REVIEWER: TakedownActor = { id: 'legal-9', role: 'legal' };

/** The expected table, written out from the lifecycle in case.ts. Missing = forbidden. */
const EXPECTED: Record<TakedownState, Partial<Record<TakedownAction, true>>> = {
  received: { request_info: true, accept: true, reject: true, note: true },
  needs_info: { info_received: true, lapse: true, note: true },
  triage: { assign: true, request_info: true, note: true },
  in_review: { assign: true, decide: true, request_info: true, note: true },
  decided: { apply: true, counter_notice: true, complaint: true, note: true },
  applied: { close: true, counter_notice: true, complaint: true, note: true },
  closed: { counter_notice: true, complaint: true, note: true },
  counter_notice_received: { forward_counter_notice: true, note: true },
  restore_pending: { restore: true, suit_filed: true, note: true },
  complaint_review: { uphold: true, reverse: true, note: true },
  lapsed: { note: true },
  rejected: { note: true },
  restored: { note: true },
  kept: { note: true },
  upheld: { note: true },
  reversed: { note: true },
};

const decision = removalDecision;

const T0 = nyEdt(2025, 5, 12, 10);

/** Runs commands one hour apart from T0, returning the case and the time of the last action. */
function run(regimes: Regime[], commands: TakedownCommand[], start = T0): { c: TakedownCase; at: number } {
  let c = openTakedownCase({ regimes, legalBasis: 'copyright', tier: 'standard', receivedAt: start });
  let at = start;
  for (const command of commands) {
    at += HOUR;
    c = applyTakedownAction(c, command, LEGAL, at, POLICY);
  }
  return { c, at };
}

const TO_DECIDED: TakedownCommand[] = [{ action: 'accept' }, { action: 'assign', reviewer: 'legal-3' }, { action: 'decide', decision: decision() }];

describe('checkTakedownAction', () => {
  it.each(TAKEDOWN_STATES.flatMap((s) => TAKEDOWN_ACTIONS.map((a) => [s, a] as const)))('%s + %s', (state, action) => {
    if (EXPECTED[state][action]) {
      expect(() => checkTakedownAction(state, action, 'legal')).not.toThrow();
    } else {
      let error: unknown;
      try {
        checkTakedownAction(state, action, 'legal');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidTakedownTransitionError);
      expect(error).toMatchObject({ state, action });
      expect((error as Error).message).toContain(state);
      expect((error as Error).message).toContain(action);
    }
  });

  it.each(['agent', 'admin', 'sre', 'client'])('refuses role %s with TakedownForbiddenError, before looking at the state', (role) => {
    expect(() => checkTakedownAction('received', 'accept', role)).toThrow(TakedownForbiddenError);
    expect(() => checkTakedownAction('closed', 'decide', role)).toThrow(TakedownForbiddenError);
    expect(() => checkTakedownAction('received', 'accept', role)).toThrow(`role ${role} may not accept`);
  });

  it('lets the workflow route a notice at intake, lapse an unanswered request and restore after §512(g), and nothing else', () => {
    for (const action of ['accept', 'request_info', 'reject'] as const) expect(() => checkTakedownAction('received', action, 'system')).not.toThrow();
    expect(() => checkTakedownAction('needs_info', 'lapse', 'system')).not.toThrow();
    expect(() => checkTakedownAction('restore_pending', 'restore', 'system')).not.toThrow();
    expect(() => checkTakedownAction('received', 'lapse', 'system')).toThrow(InvalidTakedownTransitionError);
    for (const action of ['info_received', 'assign', 'decide', 'apply', 'close', 'suit_filed', 'uphold', 'reverse', 'note'] as const) {
      expect(() => checkTakedownAction('needs_info', action, 'system')).toThrow(TakedownForbiddenError);
    }
  });
});

describe('applyTakedownAction', () => {
  it('walks received → triage → in_review → decided → applied → closed, one history entry per action', () => {
    const { c } = run(['dmca'], [...TO_DECIDED, { action: 'apply' }, { action: 'close' }]);
    expect(c.state).toBe('closed');
    expect(c.reviewer).toBe('legal-3');
    expect(c.history.map((h) => [h.action, h.actor, (h.at - T0) / HOUR])).toEqual([
      ['accept', 'legal-7', 1],
      ['assign', 'legal-7', 2],
      ['decide', 'legal-7', 3],
      ['apply', 'legal-7', 4],
      ['close', 'legal-7', 5],
    ]);
    expect(c.history[1].data).toEqual({ reviewer: 'legal-3' });
    expect(c.history[2].data).toEqual({ decision: decision() });
  });

  it('starts the decision clock when review can start', () => {
    const { c } = run(['dmca'], [{ action: 'accept' }]);
    expect(c.decisionDue?.dueAt).toBe(T0 + HOUR + 7 * DAY);
    expect(c.history[0].data).toEqual({ decisionDueAt: T0 + HOUR + 7 * DAY });
  });

  it('does not change the input case', () => {
    const { c } = run(['dmca'], [{ action: 'accept' }]);
    const copy = structuredClone(c);
    applyTakedownAction(c, { action: 'assign', reviewer: 'legal-3' }, LEGAL, T0 + 2 * HOUR, POLICY);
    expect(c).toEqual(copy);
  });

  it('lapses a request for information only once the wait is over', () => {
    const { c, at } = run(['dsa'], [{ action: 'request_info', missing: ['statements.bonaFide'] }]);
    expect(c.infoRequestLapsesAt).toBe(at + 14 * DAY);
    expect(() => applyTakedownAction(c, { action: 'lapse' }, SYSTEM, at + 14 * DAY - 1, POLICY)).toThrow(/until/);
    expect(applyTakedownAction(c, { action: 'lapse' }, SYSTEM, at + 14 * DAY, POLICY).history.at(-1)).toEqual({
      action: 'lapse',
      actor: 'system',
      at: at + 14 * DAY,
      data: {},
    });
    expect(applyTakedownAction(c, { action: 'info_received' }, LEGAL, at + DAY, POLICY).state).toBe('triage');
  });

  it('refuses commands missing what the record needs', () => {
    expect(() => run(['dsa'], [{ action: 'request_info', missing: [] }])).toThrow(InvalidTakedownTransitionError);
    expect(() => run(['dsa'], [{ action: 'reject', reason: ' ' }])).toThrow(/reason/);
    expect(() => run(['dsa'], [{ action: 'accept' }, { action: 'assign', reviewer: '' }])).toThrow(/reviewer/);
    const decide = (d: TakedownDecision) => run(['dsa'], [...TO_DECIDED.slice(0, 2), { action: 'decide', decision: d }]);
    expect(() => decide(decision({ outcome: 'restrict' }))).toThrow(/geo_restriction measure/);
    expect(() => decide(decision({ outcome: 'restrict', measure: { kind: 'geo_restriction', countries: [] } }))).toThrow(/names its countries/);
    expect(() => decide(decision({ facts: '' }))).toThrow(/facts/);
    expect(() => decide(decision({ ground: { kind: 'contractual', reference: '', explanation: 'x' } }))).toThrow(/ground/);
    expect(decide(decision({ outcome: 'no_action', measure: { kind: 'no_action' }, ground: { kind: 'legal', reference: '', explanation: '' } })).c.state).toBe('decided');
  });

  it('needs the authority named before a safety escalation counts as applied (DSA Art. 18)', () => {
    const escalated = run(['dsa'], [...TO_DECIDED.slice(0, 2), { action: 'decide', decision: decision({ outcome: 'escalate_safety' }) }]);
    expect(() => applyTakedownAction(escalated.c, { action: 'apply' }, LEGAL, escalated.at + HOUR, POLICY)).toThrow(/Art\. 18/);
    const applied = applyTakedownAction(escalated.c, { action: 'apply', authorityInformed: 'BKA' }, LEGAL, escalated.at + HOUR, POLICY);
    // A DSA case: the uploader's complaint window is counted from here too.
    expect(applied.history.at(-1)?.data).toEqual({ authorityInformed: 'BKA', complaintClosesAt: complaintDeadline(POLICY, escalated.at + HOUR) });
  });
});

describe('§512(g) counter-notice', () => {
  it('holds restoration for 10 business days from receipt, then restores', () => {
    const { c, at } = run(['dmca'], [...TO_DECIDED, { action: 'apply' }]);
    const received = nyEdt(2025, 5, 14, 14);
    expect(received).toBeGreaterThan(at);
    const counter = applyTakedownAction(c, { action: 'counter_notice' }, LEGAL, received, POLICY);
    expect(counter.restoreWindow).toEqual({ notBefore: nyEdt(2025, 5, 29, 14), notAfter: nyEdt(2025, 6, 4, 14) });
    const pending = applyTakedownAction(counter, { action: 'forward_counter_notice' }, LEGAL, received + HOUR, POLICY);
    expect(pending.state).toBe('restore_pending');
    expect(() => applyTakedownAction(pending, { action: 'restore' }, LEGAL, nyEdt(2025, 5, 29, 13, 59), POLICY)).toThrow(/lawsuit/);
    expect(applyTakedownAction(pending, { action: 'restore' }, LEGAL, nyEdt(2025, 5, 29, 14), POLICY).state).toBe('restored');
    expect(applyTakedownAction(pending, { action: 'suit_filed', court: 'S.D.N.Y.' }, LEGAL, nyEdt(2025, 5, 20, 9), POLICY).state).toBe('kept');
  });

  it('is allowed from decided, applied and closed, only for a DMCA copyright removal or restriction', () => {
    const at = nyEdt(2025, 6, 2, 10);
    for (const tail of [[], [{ action: 'apply' }], [{ action: 'apply' }, { action: 'close' }]] as TakedownCommand[][]) {
      const { c } = run(['dmca'], [...TO_DECIDED, ...tail]);
      expect(applyTakedownAction(c, { action: 'counter_notice' }, LEGAL, at, POLICY).state).toBe('counter_notice_received');
    }
    const dsaOnly = run(['dsa'], TO_DECIDED).c;
    expect(() => applyTakedownAction(dsaOnly, { action: 'counter_notice' }, LEGAL, at, POLICY)).toThrow(/DMCA/);
    const nothingRemoved = run(['dmca'], [...TO_DECIDED.slice(0, 2), { action: 'decide', decision: decision({ outcome: 'no_action', measure: { kind: 'no_action' } }) }]).c;
    expect(() => applyTakedownAction(nothingRemoved, { action: 'counter_notice' }, LEGAL, at, POLICY)).toThrow(/nothing was removed/);
  });
});

describe('DSA Art. 20 complaint', () => {
  const decidedAt = Date.UTC(2025, 7, 31, 15); // window ends with 28 February 2026
  const decided = () => run(['dsa'], TO_DECIDED, decidedAt - 3 * HOUR).c;
  const complaint: TakedownCommand = { action: 'complaint', by: 'uploader', grounds: 'It is a licensed clip.' };

  it('is accepted within six months of the decision and reviewed to upheld or reversed', () => {
    const c = decided();
    expect(c.complaintClosesAt).toBe(Date.UTC(2026, 2, 1));
    const review = applyTakedownAction(c, complaint, LEGAL, Date.UTC(2026, 1, 28, 23, 59), POLICY);
    expect(review.state).toBe('complaint_review');
    expect(applyTakedownAction(review, { action: 'uphold', reasons: 'Licence covers trailers only.' }, REVIEWER, Date.UTC(2026, 2, 2), POLICY).state).toBe('upheld');
    expect(applyTakedownAction(review, { action: 'reverse', reasons: 'Licence confirmed.' }, REVIEWER, Date.UTC(2026, 2, 2), POLICY).state).toBe('reversed');
    expect(() => applyTakedownAction(review, { action: 'reverse', reasons: '' }, REVIEWER, Date.UTC(2026, 2, 2), POLICY)).toThrow(/reasons/);
  });

  it('is reviewed by a different person than the one who decided (the statement of reasons promises it)', () => {
    const c = decided();
    expect(c.decidedBy).toBe(LEGAL.id);
    const review = applyTakedownAction(c, complaint, LEGAL, Date.UTC(2025, 8, 1), POLICY);
    for (const command of [
      { action: 'uphold', reasons: 'I stand by it.' },
      { action: 'reverse', reasons: 'On reflection, satire.' },
    ] as TakedownCommand[]) {
      let error: unknown;
      try {
        applyTakedownAction(review, command, LEGAL, Date.UTC(2025, 8, 2), POLICY);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidTakedownTransitionError);
      expect(error).toMatchObject({ state: 'complaint_review', action: command.action, reason: expect.stringMatching(/legal-7 decided this case; a complaint is reviewed by a different person/) });
      expect(applyTakedownAction(review, command, REVIEWER, Date.UTC(2025, 8, 2), POLICY).history.at(-1)).toMatchObject({ action: command.action, actor: REVIEWER.id });
    }
  });

  it('stays open the whole window after the uploader is informed: counted again at apply, when the statement of reasons goes out', () => {
    const c = decided(); // decided 31 Aug 2025 15:00: the notifier's window ends with 28 Feb 2026
    const appliedAt = Date.UTC(2025, 8, 20, 9); // applied 20 days later
    const applied = applyTakedownAction(c, { action: 'apply' }, LEGAL, appliedAt, POLICY);
    expect(applied.complaintClosesAt).toBe(complaintDeadline(POLICY, appliedAt));
    expect(applied.complaintClosesAt).toBe(Date.UTC(2026, 2, 21));
    expect(applied.history.at(-1)?.data).toMatchObject({ complaintClosesAt: Date.UTC(2026, 2, 21) });
    // A complaint on 1 March 2026 — after the decision-based window, inside the uploader's — is taken.
    expect(applyTakedownAction(applied, complaint, LEGAL, Date.UTC(2026, 2, 1), POLICY).state).toBe('complaint_review');
    expect(() => applyTakedownAction(applied, complaint, LEGAL, Date.UTC(2026, 2, 21), POLICY)).toThrow(/window closed/);
    // No restriction, no statement of reasons: the window stays the one the notifier was given.
    const noAction = run(['dsa'], [{ action: 'accept' }, { action: 'assign', reviewer: 'legal-3' }, { action: 'decide', decision: decision({ outcome: 'no_action', measure: { kind: 'no_action' } }) }], decidedAt - 3 * HOUR).c;
    expect(applyTakedownAction(noAction, { action: 'apply' }, LEGAL, appliedAt, POLICY).complaintClosesAt).toBe(Date.UTC(2026, 2, 1));
  });

  it('is refused once the window has closed, and outside the DSA', () => {
    expect(() => applyTakedownAction(decided(), complaint, LEGAL, Date.UTC(2026, 2, 1), POLICY)).toThrow(/window closed/);
    const dmca = run(['dmca'], TO_DECIDED).c;
    expect(dmca.complaintClosesAt).toBeNull();
    expect(() => applyTakedownAction(dmca, complaint, LEGAL, decidedAt, POLICY)).toThrow(/Art\. 20/);
  });
});

describe('any sequence of commands', () => {
  const commands: TakedownCommand[] = [
    { action: 'request_info', missing: ['explanation'] },
    { action: 'info_received' },
    { action: 'lapse' },
    { action: 'accept' },
    { action: 'reject', reason: 'Not our content.' },
    { action: 'assign', reviewer: 'legal-3' },
    { action: 'decide', decision: decision() },
    { action: 'apply' },
    { action: 'close' },
    { action: 'counter_notice' },
    { action: 'forward_counter_notice' },
    { action: 'restore' },
    { action: 'suit_filed' },
    { action: 'complaint', by: 'notifier', grounds: 'Too lenient.' },
    { action: 'uphold', reasons: 'Reviewed.' },
    { action: 'reverse', reasons: 'Reviewed.' },
    { action: 'note', text: 'Called the notifier.' },
  ];

  it('moves only along the table and records exactly the actions that succeeded', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...commands), fc.integer({ min: 0, max: 30 * DAY })), { maxLength: 25 }), (steps) => {
        let c = openTakedownCase({ regimes: ['dmca', 'dsa'], legalBasis: 'copyright', tier: 'trusted', receivedAt: T0 });
        let now = T0;
        let succeeded = 0;
        for (const [command, gap] of steps) {
          now += gap;
          const before = c.state;
          try {
            c = applyTakedownAction(c, command, LEGAL, now, POLICY);
          } catch (e) {
            expect(e).toBeInstanceOf(InvalidTakedownTransitionError);
            continue;
          }
          succeeded++;
          expect(EXPECTED[before][command.action]).toBe(true);
          expect(c.history.at(-1)).toMatchObject({ action: command.action, actor: LEGAL.id, at: now });
        }
        expect(c.history).toHaveLength(succeeded);
      }),
    );
  });
});
