import { ApplicationFailure } from '@temporalio/common';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { assertNoCardData, CARD_DATA_REFUSED, redactCardData } from '../../../src/domain/billing/card-redaction';
import { createBillingActivities } from '../../../src/activities/billing';
import type { BillingGateway } from '../../../src/integrations/billing/stripe-gateway';

describe('recordBillingCase refuses card data for good', () => {
  // The refusal happens before any query: a database that fails every call proves it.
  const dataSource = { transaction: () => Promise.reject(new Error('no database in this test')), query: () => Promise.reject(new Error('no database')) } as unknown as DataSource;
  const { recordBillingCase } = createBillingActivities({ dataSource, logger: pino({ level: 'silent' }), gateway: {} as BillingGateway });
  const event = { eventKey: 'k', type: 'opened', actor: 'system', occurredAt: new Date(0).toISOString(), data: {} };

  it('a card number in the snapshot is a non-retryable CardDataRefused naming the field path, never the value', async () => {
    const err: unknown = await recordBillingCase({ kind: 'refund', id: 'refund-1', brand: 'uoozee', state: 'identity_pending', customerRef: 'x', snapshot: { customerRef: 'card 4242 4242 4242 4242' } }, event).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure).toMatchObject({ type: CARD_DATA_REFUSED, nonRetryable: true });
    expect(failure.message).toContain('snapshot.customerRef');
    expect(failure.details).toEqual([{ path: 'snapshot.customerRef' }]);
    expect(JSON.stringify({ message: failure.message, details: failure.details })).not.toMatch(/4242 4242/);
  });

  it('in the event data too', async () => {
    const err = await recordBillingCase({ kind: 'dispute', id: 'dispute-1', brand: 'uoozee', state: 'needs_response', customerRef: 'ch_1', snapshot: {} }, { ...event, data: { cvc: '123' } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: CARD_DATA_REFUSED, nonRetryable: true, details: [{ path: 'event.data.cvc' }] });
  });
});

describe('redactCardData', () => {
  it('keeps the last four digits, empties forbidden keys, and passes the guard', () => {
    const record = { a: 'pan 4242 4242 4242 4242 here', nested: [{ cvc: '123', n: 4242424242424242 }], id: 'ch_3QX', amount: 9999 };
    const redacted = redactCardData(record);
    expect(redacted).toEqual({ a: 'pan •••• 4242 here', nested: [{ cvc: null, n: null }], id: 'ch_3QX', amount: 9999 });
    expect(() => assertNoCardData(redacted)).not.toThrow();
    expect(record.a).toContain('4242 4242'); // a copy: the input is untouched
  });
});
