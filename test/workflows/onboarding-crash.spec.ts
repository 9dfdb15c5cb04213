import { useWorkerStack } from '../support/harness';
import { onboardingChecks, startOnboardings, trainToCertified } from '../support/onboarding';
import { waitFor } from '../support/wait-for';
import { spawnWorkerProcess, WorkerProcess } from '../support/worker-process';

/**
 * Issue 14's crash test: onboardings taken from day one to certified while the worker is
 * SIGKILLed mid-phase, twice: every session, review score, gate measurement and certification is
 * recorded once, and the registry moves to certified once per agent.
 */
describe('onboarding survives a killed worker', () => {
  const stack = useWorkerStack({}, { label: 'onboarding-crash', worker: false });
  const spawned: WorkerProcess[] = [];
  stack.onTeardown(() => spawned.filter((w) => w.child.exitCode === null).forEach((w) => w.child.kill('SIGKILL')));
  const spawn = async () => {
    const w = await spawnWorkerProcess({ TEMPORAL_TASK_QUEUE: stack.taskQueue });
    spawned.push(w);
    return w;
  };
  const kill = async (w: WorkerProcess) => {
    w.child.kill('SIGKILL');
    expect(await w.exited).toEqual({ code: null, signal: 'SIGKILL' });
  };
  const recorded = async (ids: string[], type: string) =>
    ((await stack.ds.query(`SELECT count(*)::int AS n FROM onboarding_events WHERE case_id = ANY($1) AND type = $2`, [ids, type])) as { n: number }[])[0].n;

  it('records hours, scores, gates and certification once across two SIGKILLs', async () => {
    let worker = await spawn();
    const agents = await startOnboardings(stack.client, stack.ds, stack.taskQueue, 4, Date.now() % 100_000);
    const ids = agents.map((a) => `onboarding-${a}`);
    const training = Promise.all(agents.map((a) => trainToCertified(stack.client, a)));
    // Mid-classroom: some sessions recorded, not all.
    await waitFor(async () => (await recorded(ids, 'session')) >= 2, { what: 'sessions under way' });
    await kill(worker);
    worker = await spawn();
    // Mid-QA: some scores in.
    await waitFor(async () => (await recorded(ids, 'qa_score')) >= 4, { what: 'reviews under way', timeoutMs: 30_000 });
    await kill(worker);
    worker = await spawn();
    await training;
    await waitFor(async () => (await recorded(ids, 'decision_certify')) === agents.length, { what: 'every agent certified', timeoutMs: 30_000 });
    const checks = await onboardingChecks(stack.ds, agents);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});
