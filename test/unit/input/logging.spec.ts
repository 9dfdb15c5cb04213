import { loggableError, strippedMessage } from '../../../src/api/logging/error-log';
import { requestTarget } from '../../../src/api/logging/request-log';

describe('request log target', () => {
  it('keeps the path and the query parameter names, never their values', () => {
    expect(requestTarget('/v1/tickets?api_key=sk_live_123&brand=uoozee&brand=x')).toEqual({ path: '/v1/tickets', query: ['api_key', 'brand'] });
    expect(requestTarget('/v1/tickets')).toEqual({ path: '/v1/tickets' });
    expect(JSON.stringify(requestTarget('/x?a%0Ab=%00secret'))).not.toContain('secret');
  });
});

describe('loggable errors', () => {
  it('drops quoted input from messages and never carries the error own fields', () => {
    expect(strippedMessage('invalid input syntax for type uuid: "cust_4711"')).toBe('invalid input syntax for type uuid: "…"');
    expect(strippedMessage('Key (customer_ref)=(cust_4711) already exists')).toBe('Key (…)=(…) already exists');
    const queryFailed = Object.assign(new Error('unsupported Unicode escape sequence'), {
      query: 'INSERT INTO tickets VALUES ($1, $2)',
      parameters: ['cust_4711', { subject: 'my card is 4242' }],
      driverError: { code: '22P05' },
    });
    const logged = loggableError(queryFailed);
    expect(logged).toMatchObject({ type: 'Error', message: 'unsupported Unicode escape sequence', code: '22P05' });
    expect(JSON.stringify(logged)).not.toMatch(/cust_4711|4242|INSERT/);
    expect(logged.stack).toMatch(/^\s+at /);
    expect(loggableError(new Error('x'.repeat(1_000))).message.length).toBeLessThanOrEqual(201);
  });
});
