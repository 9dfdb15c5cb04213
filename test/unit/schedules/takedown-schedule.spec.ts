import { resolve } from 'node:path';
import { PolicyRegistry } from '../../../src/config/policy-registry';
import { earliest } from '../../../src/domain/schedule';
import { applyTakedownAction, openTakedownCase, TakedownActor, TakedownCase, TakedownCommand } from '../../../src/domain/takedown/case';
import type { Regime } from '../../../src/domain/takedown/regime';
import { pinTakedownCasePolicy } from '../../../src/domain/takedown/takedown-policy';
import { nextTakedownDue, restrictionEnd, TakedownClocks, takedownFinished, takedownSchedule } from '../../../src/domain/takedown/schedule';
import { removalDecision } from '../takedown/fixtures';

/**
 * The takedown's statutory clocks as its workflow waits for them, under the SHIPPED pack
 * (policies/uoozee.yaml: New York legal team, Mon–Fri 09:00–17:00, US federal holidays; decide
 * within 24h / 48h / 7d, DSA safety 12h; needs-info lapses after 14 days; complaints for 6
 * months; at risk at 75 %). Every instant is fixed: nothing depends on the day the test runs.
 */
const registry = PolicyRegistry.fromDirectory(resolve(__dirname, '../../../policies'));
const pack = registry.find('uoozee');
if (!pack) throw new Error('the shipped packs have no uoozee');
const policy = pinTakedownCasePolicy(pack);
const { clocks } = policy;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LEGAL: TakedownActor = { id: 'legal-7', role: 'legal' };
const SYSTEM: TakedownActor = { id: 'system', role: 'system' };
/** New York wall time in November–December 2026 (EST, UTC−5) as an instant. */
const nyEst = (m: number, d: number, hh: number, mm = 0): number => Date.UTC(2026, m - 1, d, hh + 5, mm);

const decision = removalDecision;

/** A case received at `receivedAt`, then each command at its own instant, through the domain with the pack's clocks. */
function caseAfter(regimes: Regime[], receivedAt: number, steps: [TakedownCommand, TakedownActor, number][], tier: 'standard' | 'trusted' | 'safety' = 'standard'): TakedownCase {
  let c = openTakedownCase({ regimes, legalBasis: 'copyright', tier, receivedAt });
  for (const [command, actor, at] of steps) c = applyTakedownAction(c, command, actor, at, clocks);
  return c;
}

const at = (c: TakedownCase, over: Partial<TakedownClocks> = {}): TakedownClocks => ({ c, clocks, atRiskSentFor: null, breachSentFor: null, restrictionEndsAt: null, ...over });

describe('takedown schedule (shipped uoozee pack)', () => {
  it('pins the pack the schedule is read with', () => {
    expect(clocks.calendar.timeZone).toBe('America/New_York');
    expect(clocks.decideWithinMs.dmca).toEqual({ safety: 24 * HOUR, trusted: 48 * HOUR, standard: 7 * DAY });
    expect(clocks.decideWithinMs.dsa.safety).toBe(12 * HOUR);
    expect(clocks.needsInfoWaitMs).toBe(14 * DAY);
    expect(clocks.preservation).toEqual({ holdMs: 90 * DAY, extendByMs: 90 * DAY, remindBeforeMs: [14 * DAY, 3 * DAY] });
  });

  it('waits for nothing before intake routes the notice: only a person moves a received case', () => {
    const received = caseAfter(['dmca'], nyEst(11, 20, 16, 30), []);
    expect(takedownSchedule(at(received))).toEqual([]);
    expect(nextTakedownDue(at(received))).toBeNull();
    expect(takedownFinished(at(received), nyEst(11, 20, 16, 30))).toBe(false);
  });

  it('a standard DMCA notice accepted Friday 16:30: at risk after 75 % of 7 wall-clock days, due on the next Friday 16:30 (not business time)', () => {
    const accepted = nyEst(11, 20, 16, 30);
    const c = caseAfter(['dmca'], accepted, [[{ action: 'accept' }, SYSTEM, accepted]]);
    expect(takedownSchedule(at(c))).toEqual([
      { at: accepted + 126 * HOUR, summary: 'decision at risk (DMCA §512 notice, standard tier, 7d, due 2026-11-27 21:30:00 UTC)' },
      { at: nyEst(11, 27, 16, 30), summary: 'decision due (DMCA §512 notice, standard tier, 7d)' },
    ]);
    expect(nextTakedownDue(at(c))?.summary).toMatch(/^decision at risk/);
    // The at-risk escalation sent for this deadline: the breach is next; both sent: nothing.
    const dueAt = c.decisionDue!.dueAt;
    expect(nextTakedownDue(at(c, { atRiskSentFor: dueAt }))).toEqual({ at: nyEst(11, 27, 16, 30), summary: 'decision due (DMCA §512 notice, standard tier, 7d)' });
    expect(nextTakedownDue(at(c, { atRiskSentFor: dueAt, breachSentFor: dueAt }))).toBeNull();
    // Decided: the decision clock stops (a decided case waits for a person to apply it).
    const inReview = applyTakedownAction(c, { action: 'assign', reviewer: 'legal-7' }, LEGAL, accepted + HOUR, clocks);
    expect(takedownSchedule(at(inReview))).toEqual(takedownSchedule(at(c)));
    const decided = applyTakedownAction(inReview, { action: 'decide', decision: decision() }, LEGAL, accepted + DAY, clocks);
    expect(takedownSchedule(at(decided))).toEqual([]);
  });

  it('a DSA child-safety report is due in the pack\'s 12 hours, over the weekend alike', () => {
    const accepted = nyEst(11, 21, 8); // Saturday 08:00
    const c = caseAfter(['dsa', 'dmca'], accepted, [[{ action: 'accept' }, SYSTEM, accepted]], 'safety');
    expect(nextTakedownDue(at(c, { atRiskSentFor: c.decisionDue!.dueAt }))).toEqual({ at: nyEst(11, 21, 20), summary: 'decision due (DSA Art. 16 notice + DMCA §512 notice, safety tier, 12h)' });
  });

  it("an incomplete notice waits 14 days for the notifier's answer, then lapses", () => {
    const requested = nyEst(11, 20, 16, 30);
    const c = caseAfter(['dmca'], requested, [[{ action: 'request_info', missing: ['signature'] }, SYSTEM, requested]]);
    expect(takedownSchedule(at(c))).toEqual([{ at: nyEst(12, 4, 16, 30), summary: "notifier's answer due (request lapses)" }]);
  });

  it('a counter-notice on the Friday before Thanksgiving, 16:30: the §512(g) restore window opens ten business days on, Monday 7 December 16:30', () => {
    const t = nyEst(11, 2, 10);
    const c = caseAfter(['dmca'], t, [
      [{ action: 'accept' }, SYSTEM, t],
      [{ action: 'assign', reviewer: 'legal-7' }, LEGAL, t + HOUR],
      [{ action: 'decide', decision: decision() }, LEGAL, t + 2 * HOUR],
      [{ action: 'apply' }, LEGAL, t + 3 * HOUR],
      [{ action: 'counter_notice' }, LEGAL, nyEst(11, 20, 16, 30)],
      [{ action: 'forward_counter_notice' }, LEGAL, nyEst(11, 20, 16, 31)],
    ]);
    expect(c.state).toBe('restore_pending');
    // Business days after Friday 20 November: 23, 24, 25, (26 Thanksgiving closed), 27, 30, 1, 2, 3, 4, 7.
    expect(takedownSchedule(at(c))).toEqual([{ at: nyEst(12, 7, 16, 30), summary: 'restore window opens (§512(g))' }]);
  });

  it('a closed case waits for its dispute window (6 months, to the month\'s last day) and is finished from then', () => {
    const decidedAt = Date.UTC(2026, 7, 31, 15); // 31 August 2026
    const c = caseAfter(['dmca'], decidedAt - 3 * HOUR, [
      [{ action: 'accept' }, SYSTEM, decidedAt - 3 * HOUR],
      [{ action: 'assign', reviewer: 'legal-7' }, LEGAL, decidedAt - 2 * HOUR],
      [{ action: 'decide', decision: decision() }, LEGAL, decidedAt],
      [{ action: 'apply' }, LEGAL, decidedAt + HOUR],
      [{ action: 'close' }, LEGAL, decidedAt + 2 * HOUR],
    ]);
    const windowEnd = Date.UTC(2027, 2, 1); // the window ends with 28 February 2027
    expect(takedownSchedule(at(c))).toEqual([{ at: windowEnd, summary: 'dispute window closes' }]);
    expect(takedownFinished(at(c), windowEnd - 1)).toBe(false);
    expect(takedownFinished(at(c), windowEnd)).toBe(true);
  });

  it('a temporary restriction ends on its date, keeping even a finished case running until it is lifted', () => {
    const t = nyEst(11, 2, 10);
    const endsAt = nyEst(12, 31, 23, 59);
    const c = caseAfter(['dmca'], t, [
      [{ action: 'accept' }, SYSTEM, t],
      [{ action: 'assign', reviewer: 'legal-7' }, LEGAL, t + HOUR],
      [{ action: 'decide', decision: decision({ outcome: 'restrict', measure: { kind: 'geo_restriction', countries: ['US'] }, endsAt }) }, LEGAL, t + 2 * HOUR],
      [{ action: 'apply' }, LEGAL, t + 3 * HOUR],
      [{ action: 'close' }, LEGAL, t + 4 * HOUR],
    ]);
    expect(restrictionEnd(c, null, true)).toBe(endsAt);
    expect(restrictionEnd(c, null, false)).toBeNull(); // the content is not restricted (any more)
    expect(restrictionEnd(c, endsAt, true)).toBeNull(); // already lifted
    const standing = at(c, { restrictionEndsAt: endsAt });
    // Closed: the dispute window (May 2027) is no reason to wake while the restriction stands.
    expect(takedownSchedule(standing)).toEqual([{ at: endsAt, summary: 'temporary restriction ends' }]);
    expect(takedownFinished({ ...standing, c: { ...c, state: 'kept' } }, endsAt - 1)).toBe(false);
    expect(takedownFinished({ ...at(c), c: { ...c, state: 'kept' } }, endsAt - 1)).toBe(true);
    // Lifted: the closed case waits for its dispute window again.
    expect(nextTakedownDue(at(c))?.summary).toBe('dispute window closes');
  });

  it('the earliest wins, the first listed on a tie', () => {
    expect(earliest([{ at: 2, summary: 'b' }, { at: 1, summary: 'a' }, null])).toEqual({ at: 1, summary: 'a' });
    expect(earliest([{ at: 1, summary: 'first' }, { at: 1, summary: 'second' }])).toEqual({ at: 1, summary: 'first' });
    expect(earliest([])).toBeNull();
  });
});
