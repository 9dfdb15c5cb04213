import { parseTakedownNotice, TakedownNoticeError, TakedownNoticeInput } from '../../../src/domain/takedown/notice';
import { copyrightNotice } from './fixtures';

/** The fields the parse failed on, in order. */
function failingFields(input: unknown): string[] {
  try {
    parseTakedownNotice(input);
  } catch (e) {
    expect(e).toBeInstanceOf(TakedownNoticeError);
    return (e as TakedownNoticeError).issues.map((i) => i.field);
  }
  throw new Error('expected the notice to be refused');
}

const withStatements = (statements: Record<string, unknown>) => ({ ...copyrightNotice(), statements });

describe('takedownNoticeSchema', () => {
  it('accepts a complete notice and normalises jurisdictions (upper case, no duplicates)', () => {
    const notice = parseTakedownNotice(copyrightNotice({ claimedJurisdictions: ['us', ' de ', 'US'] }));
    expect(notice.claimedJurisdictions).toEqual(['US', 'DE']);
    expect(notice.statements.goodFaith).toBe(true);
  });

  it('names the statement field that has the wrong type', () => {
    expect(failingFields(withStatements({ goodFaith: 'yes' }))).toEqual(['statements.goodFaith']);
    expect(failingFields(withStatements({ accuracyUnderPenaltyOfPerjury: 1 }))).toEqual(['statements.accuracyUnderPenaltyOfPerjury']);
    expect(failingFields(withStatements({ signature: '   ' }))).toEqual(['statements.signature']);
  });

  it('names an unknown field by its own path, not its parent', () => {
    expect(failingFields(withStatements({ swornStatement: true }))).toEqual(['statements.swornStatement']);
  });

  it('needs a contentId or a url on every item, and 1 to 100 items', () => {
    expect(failingFields(copyrightNotice({ items: [{ url: 'https://a.example/1' }, {}] }))).toEqual(['items.1']);
    expect(failingFields(copyrightNotice({ items: [] }))).toEqual(['items']);
    const many = Array.from({ length: 101 }, (_, i) => ({ contentId: `vid_${i}` }));
    expect(failingFields(copyrightNotice({ items: many }))).toEqual(['items']);
    expect(() => parseTakedownNotice(copyrightNotice({ items: many.slice(0, 100) }))).not.toThrow();
  });

  it('takes only http(s) URLs as locations', () => {
    expect(failingFields(copyrightNotice({ items: [{ url: 'ftp://files.example/x' }] }))).toEqual(['items.0.url']);
    expect(failingFields(copyrightNotice({ items: [{ url: 'not a url' }] }))).toEqual(['items.0.url']);
  });

  it('takes only assigned ISO 3166-1 alpha-2 codes, 1 to 50 of them, and says which code was meant', () => {
    expect(failingFields(copyrightNotice({ claimedJurisdictions: ['US', 'XX'] }))).toEqual(['claimedJurisdictions.1']);
    expect(failingFields(copyrightNotice({ claimedJurisdictions: [] }))).toEqual(['claimedJurisdictions']);
    expect(failingFields(copyrightNotice({ claimedJurisdictions: Array.from({ length: 51 }, () => 'FR') }))).toEqual(['claimedJurisdictions']);
    expect(() => parseTakedownNotice(copyrightNotice({ claimedJurisdictions: ['UK'] }))).toThrow(/use GB/);
  });

  it('requires the notifier name and email except for child sexual abuse reports (DSA Art. 16(2)(c))', () => {
    const anonymous = { role: 'rights_holder' as const };
    expect(failingFields(copyrightNotice({ notifier: anonymous }))).toEqual(['notifier.name', 'notifier.email']);
    expect(failingFields(copyrightNotice({ notifier: { ...anonymous, name: 'Jane', email: 'not-an-email' } }))).toEqual(['notifier.email']);
    for (const legalBasis of ['defamation', 'privacy', 'threat_to_life_or_safety', 'eu_illegal_content'] as const) {
      expect(failingFields(copyrightNotice({ notifier: anonymous, legalBasis }))).toEqual(['notifier.name', 'notifier.email']);
    }
    const report = parseTakedownNotice(copyrightNotice({ notifier: anonymous, legalBasis: 'child_safety', claimedJurisdictions: ['DE'] }));
    expect(report.notifier.name).toBeUndefined();
  });

  it('refuses unknown roles and legal bases by field', () => {
    const bad = { ...copyrightNotice(), legalBasis: 'hate_speech', notifier: { ...copyrightNotice().notifier, role: 'fan' } } as unknown as TakedownNoticeInput;
    expect(failingFields(bad).sort()).toEqual(['legalBasis', 'notifier.role']);
  });

  it('requires the explanation field but lets the regime judge a blank one', () => {
    const { explanation: _omitted, ...rest } = copyrightNotice();
    expect(failingFields(rest)).toEqual(['explanation']);
    expect(parseTakedownNotice(copyrightNotice({ explanation: '  ' })).explanation).toBe('');
  });

  it('reports every problem at once and names the first in the message', () => {
    const error = (() => {
      try {
        parseTakedownNotice({ ...withStatements({ goodFaith: 'yes' }), items: [] });
      } catch (e) {
        return e as TakedownNoticeError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.field).toBe('items');
    expect(error.issues.map((i) => i.field)).toEqual(['items', 'statements.goodFaith']);
    expect(error.message).toMatch(/^items: .*; statements\.goodFaith: /);
  });
});
