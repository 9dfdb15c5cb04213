import { resolve } from 'node:path';
import { PolicyRegistry } from '../../../src/config/policy-registry';
import { pinBillingPolicy, settlementWindow } from '../../../src/domain/billing/billing-policy';
import { refundSettlementSchedule } from '../../../src/domain/billing/schedule';
import { earliest } from '../../../src/domain/schedule';

const SHIPPED = resolve(__dirname, '../../../policies');
const H = 3_600_000;

describe('refund settlement schedule on the shipped uoozee pack ("within 5–7 business days": at risk on day 4, breach on day 7, New York business days)', () => {
  const pack = PolicyRegistry.fromDirectory(SHIPPED).find('uoozee');
  if (!pack) throw new Error('no shipped pack for uoozee');
  const policy = pinBillingPolicy(pack);
  const at = (iso: string) => Date.parse(iso);
  const window = (requested: string) => {
    const w = settlementWindow(policy, at(requested));
    return { warnAt: new Date(w.warnAt).toISOString(), breachAt: new Date(w.breachAt).toISOString() };
  };

  it('a refund requested on Friday 16:30 skips the weekend: at risk Thursday, breached the Tuesday after, same local time', () => {
    expect(window('2026-12-04T21:30:00Z')).toEqual({ warnAt: '2026-12-10T21:30:00.000Z', breachAt: '2026-12-15T21:30:00.000Z' });
  });

  it('a Saturday request starts counting on Monday 09:00', () => {
    expect(window('2026-12-05T17:00:00Z')).toEqual({ warnAt: '2026-12-11T14:00:00.000Z', breachAt: '2026-12-16T14:00:00.000Z' });
  });

  it('the pack\'s holidays are no business days (Thanksgiving, 26 November 2026)', () => {
    expect(window('2026-11-25T15:00:00Z')).toEqual({ warnAt: '2026-12-02T15:00:00.000Z', breachAt: '2026-12-07T15:00:00.000Z' });
  });

  it('waits for the next poll (the pack polls every 6 h) unless a clock comes first; gateway news is due at once', () => {
    const w = settlementWindow(policy, at('2026-12-04T21:30:00Z'));
    const state = { ...w, atRisk: false, breached: false, news: false };
    const now = at('2026-12-07T15:00:00Z');
    expect(earliest(refundSettlementSchedule(state, now, policy.settlementPollEveryMs))).toEqual({ at: now + 6 * H, summary: 'refund: poll the gateway' });
    expect(earliest(refundSettlementSchedule(state, w.warnAt - H, policy.settlementPollEveryMs))).toEqual({ at: w.warnAt, summary: 'refund settlement at risk' });
    expect(earliest(refundSettlementSchedule({ ...state, atRisk: true }, w.breachAt - 2 * H, policy.settlementPollEveryMs))).toEqual({ at: w.breachAt, summary: 'refund settlement breached' });
    expect(earliest(refundSettlementSchedule({ ...state, news: true }, now, policy.settlementPollEveryMs))).toEqual({ at: now, summary: 'refund: act on the gateway news' });
  });

  it('once both clocks have fired, only the polls remain', () => {
    const w = settlementWindow(policy, at('2026-12-04T21:30:00Z'));
    const due = refundSettlementSchedule({ ...w, atRisk: true, breached: true, news: false }, w.breachAt + H, policy.settlementPollEveryMs);
    expect(due).toEqual([{ at: w.breachAt + 7 * H, summary: 'refund: poll the gateway' }]);
  });
});
