import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { billingCaseEvents } from '../../../src/api/billing/billing-events';
import { BillingReads } from '../../../src/persistence/read/billing-reads';
import { ReadModelSealer } from '../../../src/persistence/read-model-sealer';
import type { CaseKeySource } from '../../../src/temporal/case-keys.store';
import { SubjectHasher } from '../../../src/temporal/case-subject';

describe("a billing case's history as the API answers it", () => {
  const key = randomBytes(32);
  const keys: CaseKeySource = { keyForWriting: async () => ({ state: 'live', key }), keyForReading: async () => ({ state: 'live', key }) };
  const sealer = ReadModelSealer.over(keys, new SubjectHasher(randomBytes(32)));
  const caseId = 'refund-abc';

  /** A database holding one refund (its snapshot sealed) and two events: the customer's own, and an agent's. */
  async function database(): Promise<DataSource> {
    const snapshot = await sealer.seal(caseId, { id: caseId, customerRef: 'cust_77', state: 'eligibility' });
    const events = [
      { id: '1', seq: '1', type: 'opened', actor: 'agent-bo', occurred_at: new Date(0), data: await sealer.seal(caseId, { reason: 'the customer cancelled' }) },
      { id: '2', seq: '2', type: 'confirm_identity', actor: sealer.pseudonym('cust_77'), occurred_at: new Date(1), data: await sealer.seal(caseId, { method: 'code to jo@example.com' }) },
    ];
    const query = async (sql: string) => (sql.includes('FROM billing_case_events') ? events : [{ customer_ref: sealer.pseudonym('cust_77'), snapshot }]);
    return { query } as unknown as DataSource;
  }

  it('opens the sealed data and names the customer where their pseudonym is the actor', async () => {
    const page = await billingCaseEvents(new BillingReads(await database()), sealer, caseId, {});
    expect(page.items).toEqual([
      { seq: 1, type: 'opened', actor: 'agent-bo', occurredAt: new Date(0).toISOString(), data: { reason: 'the customer cancelled' } },
      { seq: 2, type: 'confirm_identity', actor: 'cust_77', occurredAt: new Date(1).toISOString(), data: { method: 'code to jo@example.com' } },
    ]);
    expect(page.nextCursor).toBeNull();
  });
});
