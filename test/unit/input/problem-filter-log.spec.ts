import type { ArgumentsHost } from '@nestjs/common';
import { ServiceError } from '@temporalio/client';
import type { PinoLogger } from 'nestjs-pino';
import { QueryFailedError } from 'typeorm';
import { Problem } from '../../../src/api/problem/problem';
import { ProblemFilter } from '../../../src/api/problem/problem.filter';

/** The filter with a logger that keeps what it was given, and a request/response pair it answers. */
function filterAndHost(url: string) {
  const logged: unknown[][] = [];
  const logger = { setContext() {}, error: (...args: unknown[]) => logged.push(args), warn: (...args: unknown[]) => logged.push(args) } as unknown as PinoLogger;
  const sent: { status?: number; body?: string } = {};
  const res = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return res;
    },
    type: () => res,
    setHeader: () => res,
    send(body: string) {
      sent.body = body;
      return res;
    },
  };
  const req = { method: 'POST', url, originalUrl: url, id: 'req-1' };
  const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
  return { filter: new ProblemFilter(logger), host, logged, sent };
}

describe('ProblemFilter logs of unexpected errors', () => {
  it('never logs SQL parameters, SQL text, quoted values or query strings', () => {
    const { filter, host, logged, sent } = filterAndHost('/v1/tickets/ticket-x/reply?api_key=sk_live_SECRET');
    const driverError = Object.assign(new Error('invalid input syntax for type json: "cust_4711 says my card is 4242"'), { code: '22P02' });
    const err = new QueryFailedError('UPDATE tickets SET snapshot = $2 WHERE id = $1', ['ticket-x', { subject: 'private customer text' }], driverError);
    filter.catch(err, host);
    expect(sent.status).toBe(500);
    expect(logged).toHaveLength(1);
    const line = JSON.stringify(logged[0]);
    expect(line).toContain('QueryFailedError');
    expect(line).toContain('22P02');
    for (const secret of ['private customer text', 'cust_4711', '4242', 'UPDATE tickets', 'sk_live_SECRET']) expect(line).not.toContain(secret);
    expect(JSON.parse(sent.body!)).toMatchObject({ status: 500, instance: '/v1/tickets/ticket-x/reply' });
  });

  it('logs nothing for problems the API answers on purpose', () => {
    const { filter, host, logged, sent } = filterAndHost('/v1/tickets');
    filter.catch(Problem.validation([{ field: 'subject', message: 'x' }]), host);
    expect([sent.status, logged.length]).toEqual([400, 0]);
  });

  it('answers an update the server aborted on every retry as the busy case it is, not as Temporal being down', () => {
    // The SDK's last error after 10 attempts each answered "workflow update was aborted" (UNAVAILABLE).
    const { filter, host, sent } = filterAndHost('/v1/tickets/ticket-x/assign');
    const aborted = Object.assign(new Error('14 UNAVAILABLE: workflow update was aborted'), { code: 14, details: 'workflow update was aborted', metadata: {} });
    filter.catch(new ServiceError('Workflow Update failed', { cause: aborted }), host);
    expect(JSON.parse(sent.body!)).toMatchObject({ status: 503, type: 'https://caseworks.dev/problems/case-busy', retryAfterSeconds: 2 });
  });
});
