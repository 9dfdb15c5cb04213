import { applyTakedownAction, openTakedownCase, TakedownCase, TakedownCommand, TakedownDecision } from '../../../src/domain/takedown/case';
import { parseTakedownNotice } from '../../../src/domain/takedown/notice';
import type { Regime } from '../../../src/domain/takedown/regime';
import {
  buildDmcaUploaderNotification,
  buildStatementOfReasons,
  COUNTER_NOTICE_ELEMENTS,
  nearestRankPercentile,
  summarizeTakedownCase,
  TakedownCaseSummary,
  TakedownDocumentError,
  transparencyCounts,
} from '../../../src/domain/takedown/statement-of-reasons';
import { copyrightNotice, DAY, HOUR, POLICY } from './fixtures';

const LEGAL = { id: 'legal-7', role: 'legal' };
const DECIDED_AT = Date.UTC(2025, 2, 10, 12);

const decision = (over: Partial<TakedownDecision> = {}): TakedownDecision => ({
  outcome: 'restrict',
  measure: { kind: 'geo_restriction', countries: ['DE', 'AT'] },
  ground: { kind: 'legal', reference: '§ 185 StGB (insult)', explanation: 'The video calls a named person a criminal without any basis.' },
  facts: 'Notice under Art. 16 with the video URL and timestamp 02:13; the reviewer watched the segment.',
  automatedDetection: true,
  automatedDecision: 'not_automated',
  endsAt: null,
  ...over,
});

function decidedCase(regimes: Regime[], d: TakedownDecision, legalBasis: TakedownCase['legalBasis'] = 'defamation'): TakedownCase {
  let c = openTakedownCase({ regimes, legalBasis, tier: 'standard', receivedAt: DECIDED_AT - 3 * HOUR });
  const steps: TakedownCommand[] = [{ action: 'accept' }, { action: 'assign', reviewer: 'legal-3' }, { action: 'decide', decision: d }];
  steps.forEach((command, i) => (c = applyTakedownAction(c, command, LEGAL, DECIDED_AT - (steps.length - 1 - i) * HOUR, POLICY)));
  return c;
}

const ITEMS = [{ url: 'https://uoozee.example/watch/vid_9', contentId: 'vid_9' }];

describe('buildStatementOfReasons (DSA Art. 17(3))', () => {
  const statement = buildStatementOfReasons({ caseId: 'TD-42', takedown: decidedCase(['dsa'], decision()), items: ITEMS, notifierRole: 'rights_holder', roleVerified: false });

  it('(a) names the restriction, its territorial scope and duration', () => {
    expect(statement.restriction).toBe('content_disabled');
    expect(statement.territorialScope).toEqual({ kind: 'countries', countries: ['DE', 'AT'] });
    expect(statement.endsAt).toBeNull();
    expect(statement.content).toEqual(ITEMS);
    expect(statement.text).toMatch(/access to the content was disabled in DE, AT/);
  });

  it('(b) gives the facts and circumstances and that a notice prompted it, without the notifier’s identity', () => {
    expect(statement.facts).toBe(decision().facts);
    expect(statement.source).toBe('article_16_notice');
    expect(JSON.stringify(statement)).not.toMatch(/Jane|studio\.example/);
  });

  it('(c) says whether automated means were used, for detection and for the decision', () => {
    expect(statement.automatedMeans).toEqual({ used: true, detection: true, decision: 'not_automated' });
    expect(statement.text).toMatch(/Automated means were used \(detection: yes; decision: not automated\)/);
    const manual = buildStatementOfReasons({
      caseId: 'TD-43',
      takedown: decidedCase(['dsa'], decision({ automatedDetection: false })),
      items: ITEMS,
      notifierRole: 'trusted_flagger',
      roleVerified: true,
    });
    expect(manual.automatedMeans.used).toBe(false);
    expect(manual.source).toBe('trusted_flagger');
    expect(manual.text).toMatch(/No automated means were used/);
  });

  it('(d) cites the legal ground, or (e) the contractual ground, with the explanation', () => {
    expect(statement.ground).toEqual({ kind: 'illegal_content', legalGround: '§ 185 StGB (insult)', explanation: decision().ground.explanation });
    const terms = buildStatementOfReasons({
      caseId: 'TD-44',
      takedown: decidedCase(['dsa'], decision({ outcome: 'remove', measure: { kind: 'global_removal' }, ground: { kind: 'contractual', reference: 'Terms §4.2 harassment', explanation: 'Targets a private person.' } })),
      items: ITEMS,
      notifierRole: 'rights_holder',
      roleVerified: false,
    });
    expect(terms.ground).toEqual({ kind: 'incompatible_content', contractualGround: 'Terms §4.2 harassment', explanation: 'Targets a private person.' });
    expect(terms.restriction).toBe('content_removed');
    expect(terms.territorialScope).toEqual({ kind: 'worldwide' });
  });

  it('(f) lists internal complaint (until the end of the six months), out-of-court settlement and judicial redress', () => {
    expect(statement.redress.internalComplaint.until).toBe('2025-09-10T23:59:59.999Z');
    expect(statement.redress.outOfCourtSettlement).toMatch(/Art\. 21/);
    expect(statement.redress.judicialRedress).toMatch(/courts/);
    expect(statement.text).toMatch(/internal complaint until 2025-09-10.*out-of-court.*courts/s);
    expect(statement.decidedAt).toBe(new Date(DECIDED_AT).toISOString());
  });

  it('is not owed when nothing was restricted, and not built for a non-DSA case', () => {
    const noAction = decidedCase(['dsa'], decision({ outcome: 'no_action', measure: { kind: 'no_action' } }));
    expect(() => buildStatementOfReasons({ caseId: 'x', takedown: noAction, items: ITEMS, notifierRole: 'rights_holder', roleVerified: false })).toThrow(TakedownDocumentError);
    const dmca = decidedCase(['dmca'], decision(), 'copyright');
    expect(() => buildStatementOfReasons({ caseId: 'x', takedown: dmca, items: ITEMS, notifierRole: 'rights_holder', roleVerified: false })).toThrow(/not a DSA case/);
  });
});

describe('buildDmcaUploaderNotification (§512(g)(2)(A))', () => {
  const notice = parseTakedownNotice(copyrightNotice());
  const removal = decidedCase(['dmca'], decision({ outcome: 'remove', measure: { kind: 'global_removal' } }), 'copyright');

  it('tells the uploader what came down, who claimed it, and how to counter-notify', () => {
    const n = buildDmcaUploaderNotification({ caseId: 'TD-50', takedown: removal, notice });
    expect(n).toMatchObject({ action: 'removed', territorialScope: { kind: 'worldwide' }, workIdentified: 'Example Show, season 1 episode 3' });
    expect(n.claimant).toEqual({ name: 'Jane Roe', organisation: 'Studio Example LLC' });
    expect(n.counterNotice).toEqual({ elements: COUNTER_NOTICE_ELEMENTS, restoreAfterBusinessDays: { min: 10, max: 14 } });
    expect(COUNTER_NOTICE_ELEMENTS).toHaveLength(4);
    expect(n.text).toContain('https://uoozee.example/watch/vid_123');
    expect(n.text).toMatch(/10 to 14 business days/);
    expect(n.text).toMatch(/512\(f\)/);
    expect(n.text).not.toContain('jane@studio.example');
  });

  it('is only for DMCA copyright removals or restrictions', () => {
    const kept = decidedCase(['dmca'], decision({ outcome: 'no_action', measure: { kind: 'no_action' } }), 'copyright');
    expect(() => buildDmcaUploaderNotification({ caseId: 'x', takedown: kept, notice })).toThrow(/nothing was removed/);
    expect(() => buildDmcaUploaderNotification({ caseId: 'x', takedown: decidedCase(['dsa'], decision(), 'copyright'), notice })).toThrow(/not a DMCA/);
  });
});

describe('transparencyCounts', () => {
  const at = (month: number, day: number) => Date.UTC(2024, month - 1, day, 12);
  const summary = (over: Partial<TakedownCaseSummary>): TakedownCaseSummary => ({
    receivedAt: at(3, 1),
    legalBasis: 'copyright',
    regimes: ['dmca'],
    state: 'closed',
    outcome: 'remove',
    decidedAt: at(3, 1) + 10 * HOUR,
    ...over,
  });
  const fixture: TakedownCaseSummary[] = [
    summary({}), // decided in 10 h
    summary({ regimes: ['dmca', 'dsa'], state: 'kept', decidedAt: at(3, 1) + 2 * DAY }),
    summary({ state: 'restored', outcome: 'restrict', decidedAt: at(3, 1) + 30 * HOUR }),
    summary({ legalBasis: 'child_safety', regimes: ['dsa'], state: 'applied', outcome: 'escalate_safety', decidedAt: at(3, 1) + 2 * HOUR }),
    summary({ legalBasis: 'defamation', regimes: ['dsa'], state: 'reversed', outcome: 'no_action', decidedAt: at(3, 1) + 5 * DAY }),
    summary({ legalBasis: 'privacy', regimes: ['platform_terms'], state: 'rejected', outcome: null, decidedAt: null }),
    summary({ legalBasis: 'trademark', regimes: ['platform_terms'], state: 'lapsed', outcome: null, decidedAt: null }),
    summary({ state: 'in_review', outcome: null, decidedAt: null }),
    // Received 31 Dec 2023 23:59 UTC: belongs to 2023 even though decided in 2024.
    summary({ receivedAt: Date.UTC(2023, 11, 31, 23, 59), decidedAt: at(1, 2) }),
    summary({ receivedAt: Date.UTC(2025, 0, 1), decidedAt: Date.UTC(2025, 0, 2) }),
  ];

  it('counts the year’s notices by legal basis, regime and decision, with the median time to decision', () => {
    const counts = transparencyCounts(fixture, 2024);
    expect(counts.notices).toBe(8);
    expect(counts.byLegalBasis).toEqual({ copyright: 4, eu_illegal_content: 0, trademark: 1, defamation: 1, privacy: 1, child_safety: 1, threat_to_life_or_safety: 0 });
    expect(counts.byRegime).toEqual({ dmca: 4, dsa: 3, platform_terms: 2 });
    expect(counts.byDecision).toEqual({ remove: 2, restrict: 1, no_action: 1, escalate_safety: 1 });
    expect([counts.rejected, counts.lapsed, counts.undecided]).toEqual([1, 1, 1]);
    // Decision times 2 h, 10 h, 30 h, 48 h, 120 h → median 30 h; p90 = the ⌈4.5⌉ = 5th: 120 h.
    expect(counts.medianTimeToDecisionMs).toBe(30 * HOUR);
    expect(counts.p90TimeToDecisionMs).toBe(120 * HOUR);
  });

  it('p90 is the nearest rank: the ⌈0.9 · n⌉-th smallest time, always an observed one', () => {
    const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect(nearestRankPercentile(ten, 90)).toBe(9); // ⌈9⌉ = 9th
    expect(nearestRankPercentile([...ten, 11], 90)).toBe(10); // ⌈9.9⌉ = 10th
    expect(nearestRankPercentile([42], 90)).toBe(42);
    expect(nearestRankPercentile([], 90)).toBeNull();
    expect(nearestRankPercentile(ten, 100)).toBe(10);
    expect(() => nearestRankPercentile(ten, 0)).toThrow(RangeError);
    // 100 values 1..100: p90 = 90, p7 = 7 (p · n computed in integers: 0.07 · 100 would round up to 8).
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect([nearestRankPercentile(hundred, 90), nearestRankPercentile(hundred, 7)]).toEqual([90, 7]);
  });

  it('counts safety escalations, counter-notices, content kept after a court action and complaints', () => {
    const counts = transparencyCounts(fixture, 2024);
    expect(counts.safetyEscalations).toBe(1);
    expect(counts.counterNotices).toBe(2);
    expect(counts.restoredAfterCounterNotice).toBe(1);
    expect(counts.keptAfterCourtAction).toBe(1);
    expect(counts.complaints).toEqual({ received: 1, upheld: 0, reversed: 1 });
  });

  it('counts the legal on-call pages for threats to life apart from escalate_safety decisions', () => {
    const paged = summary({ legalBasis: 'threat_to_life_or_safety', regimes: ['platform_terms'], state: 'triage', outcome: null, decidedAt: null, legalOnCallPaged: true });
    const counts = transparencyCounts([...fixture, paged, { ...paged, receivedAt: Date.UTC(2025, 0, 1) }], 2024);
    expect([counts.legalOnCallPages, counts.safetyEscalations, counts.byLegalBasis.threat_to_life_or_safety]).toEqual([1, 1, 1]);
  });

  it('counts retention (preservation) requests by the year the authority sent them, and their extensions', () => {
    const requests = [
      { requestedAt: at(2, 1), extendedAt: null },
      { requestedAt: at(6, 1), extendedAt: at(8, 20) },
      // Sent on 31 Dec 2024 23:59:59.999 UTC and extended in 2025: a 2024 request, extended.
      { requestedAt: Date.UTC(2024, 11, 31, 23, 59, 59, 999), extendedAt: Date.UTC(2025, 2, 1) },
      { requestedAt: Date.UTC(2025, 0, 1), extendedAt: null },
    ];
    const counts = transparencyCounts(fixture, 2024, requests);
    expect([counts.retentionRequests, counts.retentionExtensions]).toEqual([3, 2]);
    expect(transparencyCounts(fixture, 2024).retentionRequests).toBe(0); // a kept case is not a retention request
    expect(transparencyCounts([], 2025, requests)).toMatchObject({ retentionRequests: 1, retentionExtensions: 0 });
  });

  it('averages the middle pair for an even count, and gives null with no decisions', () => {
    const even = transparencyCounts(fixture.slice(0, 4), 2024);
    expect(even.medianTimeToDecisionMs).toBe(20 * HOUR); // 2, 10, 30, 48 → (10 + 30) / 2
    expect(even.p90TimeToDecisionMs).toBe(48 * HOUR); // ⌈3.6⌉ = 4th
    expect(transparencyCounts(fixture, 2022)).toMatchObject({ notices: 0, medianTimeToDecisionMs: null, p90TimeToDecisionMs: null });
    expect(() => transparencyCounts(fixture, 2024.5)).toThrow(RangeError);
  });

  it('summarises a live case without notifier data', () => {
    const c = decidedCase(['dsa'], decision());
    expect(summarizeTakedownCase(c)).toEqual({
      receivedAt: DECIDED_AT - 3 * HOUR,
      legalBasis: 'defamation',
      regimes: ['dsa'],
      state: 'decided',
      outcome: 'restrict',
      decidedAt: DECIDED_AT,
      measure: 'geo_restriction',
      ground: 'legal',
    });
    // With the notice: the claimed countries and the notifier's role, never their name or address.
    const withNotice = summarizeTakedownCase(c, { claimedJurisdictions: ['DE', 'AT'], notifier: { role: 'trusted_flagger', name: 'Flag Org', email: 'n@flag.example' } });
    expect(withNotice).toMatchObject({ claimedJurisdictions: ['DE', 'AT'], notifierRole: 'trusted_flagger' });
    expect(JSON.stringify(withNotice)).not.toMatch(/Flag Org|flag\.example/);
  });

  it('breaks notices down by claimed country and notifier role, and actions by measure and ground', () => {
    const cases: TakedownCaseSummary[] = [
      // A removal on legal grounds, later restored after a counter-notice.
      summary({ state: 'restored', claimedJurisdictions: ['US'], notifierRole: 'rights_holder', measure: 'global_removal', ground: 'legal', contentActions: ['remove', 'restore'] }),
      // A geo-restriction under our terms, notified by a trusted flagger for two countries.
      summary({ regimes: ['dsa'], outcome: 'restrict', claimedJurisdictions: ['DE', 'FR'], notifierRole: 'trusted_flagger', measure: 'geo_restriction', ground: 'contractual', contentActions: ['geo_restrict'] }),
      // Escalated to safety: counted under the measure it took (removal), on its ground.
      summary({ regimes: ['dsa'], outcome: 'escalate_safety', claimedJurisdictions: ['DE'], notifierRole: 'authority', measure: 'global_removal', ground: 'legal', contentActions: ['remove'] }),
      // Decided to restrict but not applied yet: no action taken, nothing counted by measure or ground.
      summary({ state: 'decided', outcome: 'restrict', claimedJurisdictions: ['DE'], notifierRole: 'agent', measure: 'geo_restriction', ground: 'legal' }),
      // No action.
      summary({ outcome: 'no_action', claimedJurisdictions: ['GB'], notifierRole: 'attorney', measure: 'no_action', ground: 'legal' }),
      // Undecided, and a summary from before jurisdictions and roles were reported.
      summary({ state: 'in_review', outcome: null, decidedAt: null, claimedJurisdictions: ['US', 'US'], notifierRole: 'rights_holder' }),
      summary({ state: 'in_review', outcome: null, decidedAt: null }),
      // Another year: not counted.
      summary({ receivedAt: Date.UTC(2025, 0, 1), claimedJurisdictions: ['JP'], notifierRole: 'agent', contentActions: ['remove'], ground: 'legal' }),
    ];
    const counts = transparencyCounts(cases, 2024);
    expect(counts.notices).toBe(7);
    expect(counts.byJurisdiction).toEqual({ DE: 3, FR: 1, GB: 1, US: 2, unknown: 1 });
    expect(Object.keys(counts.byJurisdiction)).toEqual(['DE', 'FR', 'GB', 'US', 'unknown']);
    expect(counts.byNotifierRole).toEqual({ rights_holder: 2, agent: 1, attorney: 1, trusted_flagger: 1, authority: 1, unknown: 1 });
    expect(counts.byMeasure).toEqual({ remove: 2, geo_restrict: 1, restore: 1, no_action: 1 });
    expect(counts.byGround).toEqual({ legal: 2, contractual: 1 });
    // Without any of it recorded, the roles and grounds are all zero and nothing is invented.
    const empty = transparencyCounts([], 2024);
    expect([empty.byJurisdiction, empty.byNotifierRole, empty.byMeasure, empty.byGround]).toEqual([
      {},
      { rights_holder: 0, agent: 0, attorney: 0, trusted_flagger: 0, authority: 0 },
      { remove: 0, geo_restrict: 0, restore: 0, no_action: 0 },
      { legal: 0, contractual: 0 },
    ]);
  });
});
