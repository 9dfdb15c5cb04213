import { crashRecovery } from '../../bench/harness/crash-recovery';
import { useWorkerStack } from '../support/harness';
import { spawnWorkerProcess, WorkerProcess } from '../support/worker-process';

/** The small version of `make bench SCENARIO=crash`, in every test run: same logic, same checks. */
describe('crash recovery (small)', () => {
  const stack = useWorkerStack({}, { label: 'crashsmall', worker: false });
  const { taskQueue } = stack;
  let worker: WorkerProcess | undefined;
  stack.onTeardown(() => worker?.child.exitCode === null && worker.child.kill('SIGKILL'));

  it('10 tickets, 3 refunds, 3 incidents and 3 takedowns, 2 SIGKILLs of the worker: every case at its expected end, each effect once', async () => {
    const spawn = async () => {
      worker = await spawnWorkerProcess({ TEMPORAL_TASK_QUEUE: taskQueue });
    };
    await spawn();
    const result = await crashRecovery({
      client: stack.client,
      ds: stack.ds,
      taskQueue,
      worker: {
        kill: async () => {
          worker!.child.kill('SIGKILL');
          await worker!.exited;
        },
        start: spawn,
      },
      tickets: 10,
      kills: 2,
      spanMs: 15_000,
      escalationSteps: 3,
      refunds: 3,
      incidents: 3,
      pagesPerIncident: 2,
      takedowns: 3,
      seed: 20261124,
    });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.checks.length).toBe(14);
  }, 180_000);
});
