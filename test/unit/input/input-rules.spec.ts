import { inspectJson, MAX_JSON_DEPTH } from '../../../src/api/input/inspect-json';
import { pathProblems, queryProblems } from '../../../src/api/input/input-guard.middleware';
import { isRealDate, isRealDateTime } from '../../../src/api/input/is-real-date-time';
import { findUnstorableChar } from '../../../src/api/input/unstorable-text';
import { problemFromBodyParser } from '../../../src/api/problem/body-parser-problems';

describe('text PostgreSQL or JSON cannot hold', () => {
  it.each([
    ['a\u0000b', 'NUL'],
    ['\u0001', 'control character (U+0001)'],
    ['x\u001by', 'control character (U+001B)'],
    ['\ud800', 'lone surrogate (U+D800)'],
    ['a\udc00', 'lone surrogate (U+DC00)'],
    ['\ud83d', 'lone surrogate'],
  ])('refuses %j', (text, reason) => {
    expect(findUnstorableChar(text)?.reason).toContain(reason);
  });

  it.each([['tab\there'], ['line\nbreak\r\n'], ['del \u007f is storable'], ['emoji 😀 pair'], ['ümlaut €'], ['']])('takes %j', (text) => {
    expect(findUnstorableChar(text)).toBeNull();
  });
});

describe('inspectJson', () => {
  it('names the field at any depth, in values and in keys, dotted like validation problems', () => {
    expect(inspectJson({ replies: [{ text: 'ok' }, { text: 'a\u0000b' }] })).toEqual([{ field: 'replies.1.text', message: expect.stringContaining('NUL') }]);
    expect(inspectJson({ a: { 'b\u0000c': 1 } })).toEqual([{ field: 'a.b\\u0000c', message: expect.stringContaining('field name') }]);
    expect(inspectJson(['\ud800'])).toEqual([{ field: '0', message: expect.stringContaining('surrogate') }]);
    expect(inspectJson('\u0000', { prefix: 'query:' })).toEqual([{ field: 'query:body', message: expect.stringContaining('NUL') }]);
    expect(inspectJson({ fine: ['x', 1, null, true, { y: 'z\t' }] })).toEqual([]);
  });

  it('refuses nesting past the limit without recursing (5,000 levels)', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 5_000; i++) deep = { a: deep };
    const errors = inspectJson(deep);
    expect(errors).toHaveLength(1);
    expect(errors[0].field).toBe(Array(MAX_JSON_DEPTH).fill('a').join('.'));
    expect(errors[0].message).toContain(`${MAX_JSON_DEPTH} levels`);
    let ok: unknown = 'leaf';
    for (let i = 0; i < MAX_JSON_DEPTH; i++) ok = [ok];
    expect(inspectJson(ok)).toEqual([]);
  });

  it('names at most ten fields', () => {
    expect(inspectJson(Array.from({ length: 50 }, () => '\u0000'))).toHaveLength(10);
  });
});

describe('queryProblems', () => {
  it('takes single plain strings', () => {
    expect(queryProblems({ brand: 'uoozee', at_risk: 'true', limit: '5' })).toEqual([]);
  });
  it('refuses lists, bracketed names, objects and unstorable text, naming the parameter', () => {
    expect(queryProblems({ brand: ['a', 'b'] })).toEqual([{ field: 'query:brand', message: expect.stringContaining('once') }]);
    expect(queryProblems({ 'brand[]': 'a' })[0].field).toBe('query:brand[]');
    expect(queryProblems({ 'customerRef[$ne]': 'x' })[0].field).toBe('query:customerRef[$ne]');
    expect(queryProblems({ customerRef: { $ne: 'x' } })[0].message).toContain('single string');
    expect(queryProblems({ brand: 'a\u0000b' })).toEqual([{ field: 'query:brand', message: expect.stringContaining('NUL') }]);
  });
});

describe('pathProblems', () => {
  it('names the path when a decoded segment holds unstorable text', () => {
    expect(pathProblems('/v1/tickets/ticket-abc')).toEqual([]);
    expect(pathProblems('/v1/tickets/ticket-%00')).toEqual([{ field: 'path', message: expect.stringContaining('NUL') }]);
    expect(pathProblems('/v1/tickets/%E0%A4%A')).toEqual([]);
  });
});

describe('real dates', () => {
  it.each(['2026-02-28T10:00:00Z', '2028-02-29T10:00:00Z', '2026-11-27T17:30:00-06:00', '2026-12-31T23:59:59.999+14:00'])('takes %s', (text) => {
    expect(isRealDateTime(text)).toBe(true);
  });
  it.each(['2026-02-30T10:00:00Z', '2027-02-29T10:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-27T24:00:00Z', '2026-11-27T17:30:00', '2026-11-27T17:30:60Z', 'yesterday'])(
    'refuses %s',
    (text) => {
      expect(isRealDateTime(text)).toBe(false);
    },
  );
  it('checks plain days the same way', () => {
    expect([isRealDate('2026-02-28'), isRealDate('2026-02-30'), isRealDate('2026-00-10'), isRealDate('2026-2-1')]).toEqual([true, false, false, false]);
  });
});

/** An error shaped as body-parser passes it on (http-errors: status and type). */
const createError = (status: number, message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), { status, ...fields });

describe('problemFromBodyParser', () => {
  it('maps what the body parser refuses to 413, 400 and 415 without quoting the body', () => {
    const tooLarge = problemFromBodyParser(createError(413, 'request entity too large', { type: 'entity.too.large', limit: 262_144 }))!;
    expect([tooLarge.getStatus(), tooLarge.slug]).toEqual([413, 'payload-too-large']);
    const syntax = Object.assign(new SyntaxError('Unexpected token s in JSON: "secret text"'), { status: 400, type: 'entity.parse.failed' });
    const malformed = problemFromBodyParser(syntax)!;
    expect(malformed.getStatus()).toBe(400);
    expect(JSON.stringify(malformed.toDetails())).not.toContain('secret');
    expect(problemFromBodyParser(createError(415, 'x', { type: 'charset.unsupported' }))!.getStatus()).toBe(415);
    expect(problemFromBodyParser(createError(415, 'x', { type: 'encoding.unsupported' }))!.getStatus()).toBe(415);
    expect(problemFromBodyParser(createError(500, 'x', { type: 'stream.not.readable' }))).toBeUndefined();
    expect(problemFromBodyParser(new Error('not from the parser'))).toBeUndefined();
  });
});
