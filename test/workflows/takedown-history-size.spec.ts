import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DataSource } from 'typeorm';
import { noteTakedownUpdate, takedownStatusQuery } from '../../src/workflows/takedown/messages';
import { openDataSource, RunningWorker, startWorker, temporalClient, testConfig, uniqueTaskQueue } from '../support/harness';
import { copyrightNotice, startTakedown, takedownInput } from '../support/takedowns';
import { waitFor } from '../support/wait-for';

const LEGAL = { id: 'legal-ines', role: 'legal' };
/** A note of a realistic size: 200 characters. */
const NOTE = 'Spoke to the notifier; the rights holder confirms the licence ended in 2025. '.repeat(3).slice(0, 200);

/**
 * What one action costs in the case's Temporal history, in events and bytes, early in a case and
 * after many notes: a note must cost the same whatever came before it (linear history), and the
 * numbers are printed for the README / the issue (issue 20).
 */
describe('takedown history per action', () => {
  const taskQueue = uniqueTaskQueue('takedown-size');
  const config = testConfig();
  let ds: DataSource;
  let client: Client;
  let worker: RunningWorker;

  beforeAll(async () => {
    ds = await openDataSource(config);
    client = await temporalClient(config);
    worker = await startWorker(config, ds, taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
    await ds?.destroy();
  });

  it('a note costs a constant number of events and bytes, the 60th as the 10th', async () => {
    const input = takedownInput(copyrightNotice());
    // A long decision window: no clock fires while the notes are taken.
    const hour = { safety: 3_600_000, trusted: 3_600_000, standard: 3_600_000 };
    input.policy = { ...input.policy, clocks: { ...input.policy.clocks, decideWithinMs: { dmca: hour, dsa: hour, platform_terms: hour } } };
    const h = await startTakedown(client, taskQueue, input);
    await waitFor(async () => (await h.query(takedownStatusQuery)).state === 'triage', { what: 'triage after intake' });
    const size = async () => {
      const history = await h.fetchHistory();
      return { events: history.events?.length ?? 0, bytes: temporal.api.history.v1.History.encode(history).finish().length };
    };
    const notes = async (n: number) => {
      for (let i = 0; i < n; i++) await h.executeUpdate(noteTakedownUpdate, { args: [{ actor: LEGAL, text: `${NOTE} #${i}` }] });
    };
    // The view holds the latest 5 notes: from the 6th on, a note's view is as large as it gets.
    await notes(6);
    const start = await size();
    await notes(10);
    const early = await size();
    await notes(40);
    const middle = await size();
    await notes(10);
    const late = await size();
    const per = (a: { events: number; bytes: number }, b: { events: number; bytes: number }, n: number) => ({ events: (b.events - a.events) / n, bytes: Math.round((b.bytes - a.bytes) / n) });
    const first = per(start, early, 10);
    const last = per(middle, late, 10);
    console.log(`takedown history per note: notes 7-16 ${JSON.stringify(first)}, notes 57-66 ${JSON.stringify(last)}; total after 66 notes ${JSON.stringify(late)}`);
    expect(last.events).toBe(first.events);
    // Linear: the 60th note costs what the 10th did (give or take the digits of larger counters).
    expect(last.bytes).toBeLessThan(first.bytes * 1.05 + 64);
  });
});
