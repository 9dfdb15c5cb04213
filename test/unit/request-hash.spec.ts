import { canonicalJson, requestHash } from '../../src/api/idempotency/request-hash';

describe('requestHash (the one hash every create compares)', () => {
  it('ignores key order at every depth and members left undefined', () => {
    expect(requestHash({ a: 1, b: { c: [1, { d: 2, e: 3 }] }, f: undefined })).toBe(requestHash({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 }));
  });

  it('tells different data apart, array order included', () => {
    expect(requestHash({ items: [1, 2] })).not.toBe(requestHash({ items: [2, 1] }));
    expect(requestHash({ a: '1' })).not.toBe(requestHash({ a: 1 }));
    expect(requestHash({ a: null })).not.toBe(requestHash({}));
  });

  it('writes a date as its instant (not as an empty object)', () => {
    expect(canonicalJson({ at: new Date('2026-12-03T10:00:00Z') })).toBe('{"at":"2026-12-03T10:00:00.000Z"}');
    expect(requestHash({ at: new Date(0) })).not.toBe(requestHash({ at: new Date(1) }));
  });
});
