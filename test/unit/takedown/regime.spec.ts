import { parseTakedownNotice, TakedownNotice } from '../../../src/domain/takedown/notice';
import {
  assessCompleteness,
  EEA_COUNTRIES,
  EU_MEMBER_STATES,
  intakeRoute,
  possibleMeasures,
  regimeConfigSchema,
  regimesFor,
  regimesForNotice,
} from '../../../src/domain/takedown/regime';
import { copyrightNotice } from './fixtures';

const notice = (over: Parameters<typeof copyrightNotice>[0] = {}): TakedownNotice => parseTakedownNotice(copyrightNotice(over));
const statements = (over: Record<string, unknown>) => ({ ...copyrightNotice().statements, ...over });

describe('regimesFor', () => {
  it.each([
    [['US'], ['dmca']],
    [['DE'], ['dsa']],
    [['NO'], ['dsa']],
    [['IS', 'LI'], ['dsa']],
    [['CH'], ['platform_terms']],
    [['US', 'FR'], ['dmca', 'dsa']],
    [['FR', 'US'], ['dmca', 'dsa']],
    [['JP', 'FR', 'US', 'DE'], ['dmca', 'dsa', 'platform_terms']],
  ])('%j → %j', (jurisdictions, regimes) => {
    expect(regimesFor(jurisdictions)).toEqual(regimes);
  });

  it('maps all 27 EU member states and the three EEA EFTA states to the DSA, and nothing else', () => {
    expect(new Set(EU_MEMBER_STATES).size).toBe(27);
    expect(EEA_COUNTRIES.size).toBe(30);
    for (const country of EEA_COUNTRIES) expect(regimesFor([country])).toEqual(['dsa']);
    for (const outside of ['CH', 'GB', 'TR', 'UA', 'CA']) expect(regimesFor([outside])).toEqual(['platform_terms']);
  });

  it('takes the default regime from config', () => {
    const config = regimeConfigSchema.parse({ defaultRegime: 'dsa' });
    expect(regimesFor(['CH'], config)).toEqual(['dsa']);
    expect(regimesFor(['CH', 'AT'], config)).toEqual(['dsa']);
    expect(regimeConfigSchema.parse({}).defaultRegime).toBe('platform_terms');
    expect(() => regimeConfigSchema.parse({ defaultRegime: 'gdpr' })).toThrow();
  });

  it('does not hold a US claim that is not about copyright to §512', () => {
    expect(regimesForNotice({ claimedJurisdictions: ['US'], legalBasis: 'trademark' })).toEqual(['platform_terms']);
    expect(regimesForNotice({ claimedJurisdictions: ['US', 'FR'], legalBasis: 'defamation' })).toEqual(['dsa', 'platform_terms']);
    expect(regimesForNotice({ claimedJurisdictions: ['US', 'FR'], legalBasis: 'copyright' })).toEqual(['dmca', 'dsa']);
  });
});

describe('possibleMeasures', () => {
  it('offers global removal, a geo-restriction to the regime’s claimed countries, and no action', () => {
    expect(possibleMeasures('dsa', ['US', 'FR', 'DE'])).toEqual([
      { kind: 'global_removal' },
      { kind: 'geo_restriction', countries: ['FR', 'DE'] },
      { kind: 'no_action' },
    ]);
    expect(possibleMeasures('dmca', ['US', 'FR'])).toContainEqual({ kind: 'geo_restriction', countries: ['US'] });
    expect(possibleMeasures('dmca', ['FR']).map((m) => m.kind)).toEqual(['global_removal', 'no_action']);
  });
});

describe('assessCompleteness under §512(c)(3)', () => {
  it('is complete with all six elements', () => {
    expect(assessCompleteness(notice(), 'dmca')).toMatchObject({ regime: 'dmca', verdict: 'complete', missing: [] });
  });

  it('is substantially complete with work, location and contact but missing the rest, listing what to ask for', () => {
    const result = assessCompleteness(notice({ statements: statements({ signature: undefined, goodFaith: undefined, accuracyUnderPenaltyOfPerjury: false }) }), 'dmca');
    expect(result.verdict).toBe('substantially_complete');
    expect(result.missing).toEqual(['statements.signature', 'statements.goodFaith', 'statements.accuracyUnderPenaltyOfPerjury']);
    expect(result.reason).toMatch(/512\(c\)\(3\)\(B\)\(ii\)/);
  });

  it('is invalid without identification of the work', () => {
    const result = assessCompleteness(notice({ statements: statements({ identificationOfWork: undefined, signature: undefined }) }), 'dmca');
    expect(result).toMatchObject({ verdict: 'invalid', missing: ['statements.identificationOfWork', 'statements.signature'] });
  });

  it('is invalid without a way to reach the notifier', () => {
    const n = notice();
    const result = assessCompleteness({ ...n, notifier: { role: 'rights_holder', name: 'Jane Roe' } }, 'dmca');
    expect(result).toMatchObject({ verdict: 'invalid', missing: ['notifier.email'] });
  });

  it('is invalid for anything but copyright', () => {
    expect(assessCompleteness(notice({ legalBasis: 'trademark' }), 'dmca')).toMatchObject({ verdict: 'invalid', missing: ['legalBasis'] });
  });
});

describe('assessCompleteness under DSA Art. 16', () => {
  const eu = (over: Parameters<typeof copyrightNotice>[0] = {}) => notice({ claimedJurisdictions: ['DE'], legalBasis: 'eu_illegal_content', ...over });

  it('is complete with explanation, URL, name and email, and a bona fide statement', () => {
    // §512 elements are irrelevant here.
    const result = assessCompleteness(eu({ statements: { bonaFide: true } }), 'dsa');
    expect(result).toMatchObject({ regime: 'dsa', verdict: 'complete', missing: [] });
  });

  it('is substantially complete without the bona fide statement', () => {
    expect(assessCompleteness(eu({ statements: {} }), 'dsa')).toMatchObject({ verdict: 'substantially_complete', missing: ['statements.bonaFide'] });
  });

  it('is invalid without an explanation', () => {
    expect(assessCompleteness(eu({ explanation: ' ' }), 'dsa')).toMatchObject({ verdict: 'invalid', missing: ['explanation'] });
  });

  it('is invalid when no item has a URL, and asks about the unlocated ones when some have', () => {
    expect(assessCompleteness(eu({ items: [{ contentId: 'vid_1' }] }), 'dsa')).toMatchObject({ verdict: 'invalid', missing: ['items.0.url'] });
    const partly = eu({ items: [{ url: 'https://uoozee.example/watch/1' }, { contentId: 'vid_2' }, { contentId: 'vid_3' }] });
    expect(assessCompleteness(partly, 'dsa')).toMatchObject({ verdict: 'substantially_complete', missing: ['items.1.url', 'items.2.url'] });
  });

  it('lets a child sexual abuse report be anonymous', () => {
    const report = eu({ legalBasis: 'child_safety', notifier: { role: 'rights_holder' } });
    expect(assessCompleteness(report, 'dsa')).toMatchObject({ verdict: 'complete', missing: [] });
    const { notifier: _n, ...rest } = eu();
    expect(assessCompleteness({ ...rest, notifier: { role: 'rights_holder' } }, 'dsa')).toMatchObject({
      verdict: 'invalid',
      missing: ['notifier.name', 'notifier.email'],
    });
  });
});

describe('assessCompleteness under platform terms, and the intake route', () => {
  it('never voids a report under our own terms', () => {
    expect(assessCompleteness(notice({ claimedJurisdictions: ['CH'] }), 'platform_terms').verdict).toBe('complete');
    expect(assessCompleteness(notice({ explanation: '' }), 'platform_terms')).toMatchObject({ verdict: 'substantially_complete', missing: ['explanation'] });
  });

  it('triages when any regime is complete, asks when any can be fixed, rejects otherwise', () => {
    const n = notice({ claimedJurisdictions: ['US', 'FR'], items: [{ contentId: 'vid_1' }] });
    const both = [assessCompleteness(n, 'dmca'), assessCompleteness(n, 'dsa')];
    expect(both.map((a) => a.verdict)).toEqual(['complete', 'invalid']);
    expect(intakeRoute(both)).toBe('triage');
    const weak = notice({ statements: statements({ signature: undefined }) });
    expect(intakeRoute([assessCompleteness(weak, 'dmca')])).toBe('needs_info');
    expect(intakeRoute([assessCompleteness(notice({ legalBasis: 'privacy' }), 'dmca')])).toBe('rejected');
  });
});
