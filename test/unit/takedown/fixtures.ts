import type { TakedownNoticeInput } from '../../../src/domain/takedown/notice';
import { pinTakedownPolicy, TakedownPolicyInput } from '../../../src/domain/takedown/deadlines';

/** A complete §512(c)(3) and Art. 16 notice; tests take pieces away. */
export const copyrightNotice = (over: Partial<TakedownNoticeInput> = {}): TakedownNoticeInput => ({
  notifier: { name: 'Jane Roe', email: 'jane@studio.example', organisation: 'Studio Example LLC', role: 'attorney' },
  items: [{ contentId: 'vid_123', url: 'https://uoozee.example/watch/vid_123' }],
  claimedJurisdictions: ['US'],
  legalBasis: 'copyright',
  explanation: 'Full episode of our series uploaded without licence.',
  statements: {
    identificationOfWork: 'Example Show, season 1 episode 3',
    infringingMaterial: 'The full episode re-uploaded as vid_123',
    goodFaith: true,
    accuracyUnderPenaltyOfPerjury: true,
    signature: '/Jane Roe/',
    bonaFide: true,
  },
  ...over,
});

/** Legal team in New York, Mon–Fri 09:00–17:00, Memorial Day and Independence Day 2025 closed. */
export const POLICY_INPUT: TakedownPolicyInput = {
  calendar: {
    timeZone: 'America/New_York',
    weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '09:00', end: '17:00' }]])),
    holidays: ['2025-05-26', '2025-07-04'],
  },
  decideWithin: { safety: '24h', trusted: '48h', standard: '7d' },
  regimes: { dsa: { safety: '12h' } },
  needsInfoWait: '14d',
};

export const POLICY = pinTakedownPolicy(POLICY_INPUT);

/** New York wall time in May–July 2025 (EDT, UTC−4) as an instant. */
export const nyEdt = (y: number, m: number, d: number, hh: number, mm = 0): number => Date.UTC(y, m - 1, d, hh + 4, mm);

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A removal on DMCA grounds, as legal staff decide it; tests change pieces (the HTTP and workflow specs' own). */
export { removal as removalDecision } from '../../support/takedowns';
