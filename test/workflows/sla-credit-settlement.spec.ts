import { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ensureSchedule, slaCreditSchedule } from '../../src/worker/schedules';
import { slaCreditSweepWorkflow } from '../../src/workflows';
import type { StripeFake } from '../fakes/stripe';
import { uniqueTaskQueue } from '../support/harness';
import { stripeWorkflowEnv } from '../support/stripe-worker-env';
import { insertSlaCredit, slaCreditRow } from '../support/sla-credits';
import { waitFor } from '../support/wait-for';

describe('Enterprise SLA credits settled as credit notes, once each', () => {
  const taskQueue = uniqueTaskQueue('sla-credits');
  const env = stripeWorkflowEnv(taskQueue);
  let stripe: StripeFake;
  let ds: DataSource;
  let client: Client;
  beforeAll(() => ({ stripe, ds, client } = env.ready()));

  const customer = () => `cus_${randomUUID().replace(/-/g, '').slice(0, 14)}`;
  const sweep = (keys: string[]) => client.workflow.execute(slaCreditSweepWorkflow, { workflowId: `sla-credit-sweep-test-${randomUUID()}`, taskQueue, args: [{ keys }] });

  it('issues one credit note per credit, settles nothing owed without one, records a refusal; a second run settles nothing twice', async () => {
    const paying = customer();
    const invoice = stripe.addInvoice({ customer: paying, amount: 100_000, currency: 'usd' });
    const owed = await insertSlaCredit(ds, { customerRef: paying, owedMinor: 10_000 });
    const capped = await insertSlaCredit(ds, { customerRef: paying, owedMinor: 0 });
    const noInvoice = customer();
    const refused = await insertSlaCredit(ds, { customerRef: noInvoice, owedMinor: 5_000 });

    const first = await sweep([owed, capped, refused]);
    expect(first.settled.map((s) => [s.key, s.outcome]).sort()).toEqual([[capped, 'nothing_owed'], [owed, 'settled']].sort());
    expect(first.failed).toEqual([{ key: refused, reason: expect.stringMatching(/no paid USD invoice/) }]);
    const note = first.settled.find((s) => s.key === owed)!.settlementRef!;
    expect(stripe.creditNote(note)).toMatchObject({ amount: 10_000, invoice: invoice.id, metadata: { sla_credit_key: owed } });
    expect(await slaCreditRow(ds, owed)).toMatchObject({ settled_at: expect.any(Date), settlement_ref: note, settlement_kind: 'credit_note', settlement_failure: null });
    expect(await slaCreditRow(ds, capped)).toMatchObject({ settled_at: expect.any(Date), settlement_ref: null, settlement_kind: 'nothing_owed' });
    expect(await slaCreditRow(ds, refused)).toMatchObject({ settled_at: null, settlement_failure: expect.stringMatching(/no paid USD invoice/) });

    // The customer has an invoice now: the failed settlement may run again; the settled one may not.
    stripe.addInvoice({ customer: noInvoice, amount: 20_000, currency: 'usd' });
    const second = await sweep([owed, refused]);
    expect(second.inProgress).toEqual([owed]);
    expect(second.settled).toEqual([expect.objectContaining({ key: refused, outcome: 'settled' })]);
    expect(stripe.creditNotesFor(`sla-credit:${owed}`)).toBe(1);
    expect(stripe.creditNotesFor(`sla-credit:${refused}`)).toBe(1);
    expect(stripe.requestCount('POST', '/v1/credit_notes')).toBe(2);
  });

  it('the monthly Temporal Schedule settles the months that have ended, not the current one', async () => {
    const cus = customer();
    stripe.addInvoice({ customer: cus, amount: 100_000, currency: 'usd' });
    const now = new Date();
    const lastMonth = await insertSlaCredit(ds, { customerRef: cus, owedMinor: 2_000, breachedAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 3_600_000) });
    const thisMonth = await insertSlaCredit(ds, { customerRef: cus, owedMinor: 3_000 });
    const scheduleId = `sla-credit-schedule-test-${randomUUID().slice(0, 8)}`;
    const { handle, created } = await ensureSchedule(client, slaCreditSchedule(taskQueue, scheduleId));
    try {
      expect(created).toBe(true);
      expect((await ensureSchedule(client, slaCreditSchedule(taskQueue, scheduleId))).created).toBe(false);
      const spec = (await handle.describe()).spec.calendars?.[0];
      expect(spec).toMatchObject({ dayOfMonth: [{ start: 1, end: 1, step: 1 }], hour: [{ start: 6, end: 6, step: 1 }] });
      await handle.trigger();
      await waitFor(async () => (await slaCreditRow(ds, lastMonth)).settled_at !== null, { timeoutMs: 30_000, what: "last month's credit settled by the scheduled run" });
      // The run has finished once its recent action completed; this month's credit was not in it.
      await waitFor(async () => {
        const actions = (await handle.describe()).info.recentActions;
        if (!actions.length) return false;
        const run = client.workflow.getHandle(actions[actions.length - 1].action.workflow.workflowId);
        return (await run.describe()).status.name === 'COMPLETED';
      }, { what: 'scheduled run completed' });
      expect((await slaCreditRow(ds, thisMonth)).settled_at).toBeNull();
      expect(stripe.creditNotesFor(`sla-credit:${lastMonth}`)).toBe(1);
    } finally {
      await handle.delete();
    }
  });
});
