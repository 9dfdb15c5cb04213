import { ApplicationFailure } from '@temporalio/common';
import pino from 'pino';
import { Writable } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import { z } from 'zod';
import { asPermanentFailure, UNSTORABLE_RECORD, unstorableFieldOf, withPermanentFailures } from '../../src/activities/permanent-failure';
import { CARD_DATA_REFUSED, CardDataError } from '../../src/domain/billing/card-redaction';
import { dataSourceOptions } from '../../src/persistence/data-source';

const SECRET = 'cust_secret_4711';
const pgError = (code: string) => Object.assign(new Error(`invalid byte sequence for encoding "UTF8": 0x00`), { code });
const queryFailed = (code: string) => new QueryFailedError('INSERT INTO tickets (customer_ref, snapshot) VALUES ($1, $2)', [SECRET, '{"subject":"a\u0000b"}'], pgError(code));

describe('permanent activity failures', () => {
  it('turns a data error (class 22) and a constraint error (class 23) into a non-retryable UnstorableRecord naming SQLSTATE and field only', () => {
    for (const code of ['22021', '22P05', '23505']) {
      const failure = asPermanentFailure(queryFailed(code), [{ view: { customerRef: SECRET, subject: 'a\u0000b' } }]) as ApplicationFailure;
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure.type).toBe(UNSTORABLE_RECORD);
      expect(failure.nonRetryable).toBe(true);
      expect(failure.details).toEqual([{ sqlstate: code, field: 'view.subject' }]);
      expect(failure.cause).toBeUndefined();
      for (const text of [SECRET, '\u0000', 'INSERT', 'UTF8']) expect(failure.message).not.toContain(text);
    }
  });

  it('leaves transient database errors retryable (serialization failure, connection lost), without their parameters, and other errors alone', () => {
    for (const code of ['40001', '57P01', '08006']) {
      const failure = asPermanentFailure(queryFailed(code)) as ApplicationFailure;
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect([failure.type, failure.nonRetryable, failure.details]).toEqual(['DatabaseError', false, [{ sqlstate: code }]]);
      expect(JSON.stringify({ ...failure, message: failure.message })).not.toContain(SECRET);
    }
    const plain = new Error('ECONNREFUSED');
    expect(asPermanentFailure(plain)).toBe(plain);
  });

  it('makes card-data refusals and validation failures final too', () => {
    const card = asPermanentFailure(new CardDataError('snapshot.reason')) as ApplicationFailure;
    expect([card.type, card.nonRetryable, card.details]).toEqual([CARD_DATA_REFUSED, true, [{ path: 'snapshot.reason' }]]);
    const parsed = z.object({ amount: z.number() }).safeParse({ amount: 'x' });
    const invalid = asPermanentFailure(parsed.success ? null : parsed.error) as ApplicationFailure;
    expect([invalid.type, invalid.nonRetryable, invalid.details]).toEqual([UNSTORABLE_RECORD, true, [{ sqlstate: null, field: 'amount' }]]);
  });

  it('names where the unstorable text sits by keys only: NUL, lone surrogates, and keys from outside', () => {
    expect(unstorableFieldOf({ a: { b: ['ok', 'x\u0000'] } })).toBe('a.b.1');
    expect(unstorableFieldOf({ note: 'half \uD83D pair' })).toBe('note');
    expect(unstorableFieldOf({ note: 'a whole pair \uD83D\uDE00' })).toBeUndefined();
    expect(unstorableFieldOf({ data: { [`${SECRET}\u0000`]: 1 } })).toBe('data.(key)');
  });

  it('is applied around every activity: the wrapped activity fails for good, and its log line carries no record', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const activities = withPermanentFailures(
      {
        async recordSomething(_record: { customerRef: string }) {
          throw queryFailed('22021');
        },
        async flaky() {
          throw queryFailed('40001');
        },
      },
      logger,
    );
    const err = await activities.recordSomething({ customerRef: SECRET }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    const transient = await activities.flaky().catch((e: unknown) => e);
    expect([(transient as ApplicationFailure).type, (transient as ApplicationFailure).nonRetryable]).toEqual(['DatabaseError', false]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('recordSomething');
    expect(lines[0]).toContain('22021');
    expect(lines[0]).not.toContain(SECRET);
  });

  it('TypeORM logs no queries, so no parameters, even of a failed query', () => {
    expect(dataSourceOptions('postgres://127.0.0.1/x').logging).toBe(false);
  });
});
