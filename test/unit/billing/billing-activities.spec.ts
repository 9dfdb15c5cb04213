import { ApplicationFailure } from '@temporalio/common';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { assertNoCardData, CARD_DATA_REFUSED, redactCardData } from '../../../src/domain/billing/card-redaction';
import { createBillingActivities } from '../../../src/activities/billing';
import type { BillingGateway } from '../../../src/integrations/billing/stripe-gateway';
import { ReadModelSealer } from '../../../src/persistence/read-model-sealer';
import type { WebhookNotificationSender } from '../../../src/integrations/notify/webhook-sender';
import type { CaseKeySource } from '../../../src/temporal/case-keys.store';
import { SubjectHasher } from '../../../src/temporal/case-subject';
import { randomBytes } from 'node:crypto';

describe('recordBillingCase refuses card data for good', () => {
  // The refusal happens before any query: a database that fails every call proves it.
  const dataSource = { query: () => Promise.reject(new Error('no database in this test')) } as unknown as DataSource;
  const { recordBillingCase } = createBillingActivities({ dataSource, logger: pino({ level: 'silent' }), gateway: {} as BillingGateway, sealer: ReadModelSealer.plaintext() });
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

describe('billing records reach the read model sealed', () => {
  // An in-memory key table and a database that records what it is asked to store.
  const key = randomBytes(32);
  const keys: CaseKeySource = { keyForWriting: async () => ({ state: 'live', key }), keyForReading: async () => ({ state: 'live', key }) };
  const sealer = ReadModelSealer.over(keys, new SubjectHasher(randomBytes(32)));
  /** The parameters of each INSERT asked for, in order. */
  const stored: unknown[][] = [];
  /**
   * A query's parameters split by INSERT: a record is one statement, the row's upsert then its
   * events' insert (read-model/case-records.ts); the row's part is as long as its column list.
   */
  function insertsOf(sql: string, params: unknown[]): unknown[][] {
    const widths = [...sql.matchAll(/INSERT INTO \w+ \(([^)]*)\)/g)].map((m) => m[1].split(',').length);
    let at = 0;
    return widths.map((width, i) => {
      // The last INSERT takes the rest: a record's events are seven parameters each.
      const part = i === widths.length - 1 ? params.slice(at) : params.slice(at, at + width);
      at += width;
      return part;
    });
  }
  const query = async (sql: string, params: unknown[] = []) => {
    stored.push(...insertsOf(sql, params));
    return [{ snapshot_written: true, recorded_event_keys: [] }];
  };
  const dataSource = { query } as unknown as DataSource;
  const sent: unknown[] = [];
  const crmWebhook = { send: async (message: unknown) => (sent.push(message), { status: 200 }) } as unknown as WebhookNotificationSender;
  const { recordBillingCase, updateCrm } = createBillingActivities({ dataSource, logger: pino({ level: 'silent' }), gateway: {} as BillingGateway, sealer, crmWebhook });
  const at = new Date(0).toISOString();
  beforeEach(() => {
    stored.length = 0;
    sent.length = 0;
  });

  it("a refund's reference is stored as its pseudonym, also as the actor when the customer acted; snapshot and data sealed", async () => {
    await recordBillingCase(
      { kind: 'refund', id: 'refund-1', brand: 'uoozee', state: 'identity_pending', customerRef: 'cust_77', snapshot: { customerRef: 'cust_77', chargeId: 'ch_1', state: 'identity_pending' } },
      { eventKey: 'k1', type: 'confirm_identity', actor: 'cust_77', occurredAt: at, data: { method: 'code to jo@example.com' } },
    );
    const [[, , , , customerRef, snapshot], [, , , actor, , data]] = stored;
    expect(customerRef).toBe(sealer.pseudonym('cust_77'));
    expect(customerRef).not.toBe('cust_77');
    expect(actor).toBe(customerRef);
    expect(JSON.stringify(stored)).not.toMatch(/cust_77|jo@example/);
    // The charge and the state stay in clear (reports and the export's chargeback lookup use them).
    expect(JSON.parse(snapshot as string)).toMatchObject({ chargeId: 'ch_1', state: 'identity_pending' });
    expect(await sealer.open(JSON.parse(snapshot as string))).toEqual({ customerRef: 'cust_77', chargeId: 'ch_1', state: 'identity_pending' });
    expect(await sealer.open(JSON.parse(data as string))).toEqual({ method: 'code to jo@example.com' });
  });

  it("a dispute's customer_ref (the disputed charge) is kept; an agent actor too", async () => {
    await recordBillingCase(
      { kind: 'dispute', id: 'dispute-du_1', brand: 'uoozee', state: 'needs_response', customerRef: 'ch_9', snapshot: { chargeId: 'ch_9' } },
      { eventKey: 'k2', type: 'opened', actor: 'agent-bo', occurredAt: at, data: {} },
    );
    expect(stored[0][4]).toBe('ch_9');
    expect(stored[1][3]).toBe('agent-bo');
  });

  it('the CRM gets the reference itself; crm_updates stores the pseudonym and the data sealed', async () => {
    await updateCrm({ key: 'dunning-in_1:crm:offer', caseId: 'dunning-in_1', customerRef: 'cus_42', event: 'dunning_offer_applied', data: { invoiceId: 'in_1', offer: '3 months for Jo' } });
    const [insert] = stored;
    expect(insert[2]).toBe(sealer.pseudonym('cus_42'));
    expect(JSON.stringify(insert)).not.toMatch(/cus_42|for Jo/);
    expect(await sealer.open(JSON.parse(insert[4] as string))).toEqual({ invoiceId: 'in_1', offer: '3 months for Jo' });
    expect(sent).toEqual([expect.objectContaining({ customerRef: 'cus_42', data: { invoiceId: 'in_1', offer: '3 months for Jo' } })]);
  });
});
