import { temporal } from '@temporalio/proto';
import { ticketWorkflow } from '../../src/workflows';
import { startNotifyWebhookFake } from '../fakes/notify-webhook';
import { useWorkerStack } from '../support/harness';
import { ticketInput } from '../support/tickets';
import { waitFor } from '../support/wait-for';
import { spawnWorkerProcess, WorkerProcess } from '../support/worker-process';

const EventType = temporal.api.enums.v1.EventType;
/** The SDK's built-in query behind the Temporal UI's "Stack Trace" tab. */
const STACK_TRACE_QUERY = '__stack_trace';
const WITHOUT = ['-r', './src/worker/without-workflow-stack-traces.ts'];

/**
 * src/worker/without-workflow-stack-traces.ts replaces a step internal to the SDK. This pins that
 * it still takes effect in the workflow thread of a real worker process (the UI's stack-trace
 * query is refused there), and that without it the same case answers that query: an SDK upgrade
 * that moves the step fails the first half.
 */
describe('a worker started without workflow stack traces', () => {
  const stack = useWorkerStack({}, { label: 'stack-traces', fakes: { notify: startNotifyWebhookFake }, worker: false });
  const { taskQueue } = stack;
  const spawned: WorkerProcess[] = [];
  stack.onTeardown(() => spawned.filter((w) => w.child.exitCode === null).forEach((w) => w.child.kill('SIGKILL')));

  const spawn = async (nodeArgs: string[]) => {
    const w = await spawnWorkerProcess({ TEMPORAL_TASK_QUEUE: taskQueue, NOTIFY_WEBHOOK_URL: stack.fakes.notify.url }, nodeArgs);
    spawned.push(w);
    return w;
  };
  const stop = async (w: WorkerProcess) => {
    w.child.kill('SIGTERM');
    expect(await w.exited).toEqual({ code: 0, signal: null });
  };

  it('refuses the UI stack-trace query; a worker started as usual answers it for the same case', async () => {
    const without = await spawn(WITHOUT);
    const input = ticketInput({ priority: 'P3' });
    const handle = await stack.client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue, args: [input] });
    await waitFor(async () => ((await handle.fetchHistory()).events ?? []).some((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED), {
      what: 'the ticket waiting on its SLA timer',
    });
    const refused = await handle.query<string>(STACK_TRACE_QUERY).then(
      () => 'answered',
      (err: Error) => err.message,
    );
    expect(refused).toContain('Workflow stack traces are not enabled on this worker');
    expect(without.output()).not.toContain('without-workflow-stack-traces:');
    await stop(without);

    // The same case on a worker without the preload: it replays the case and answers with where it waits.
    const usual = await spawn([]);
    const trace = await handle.query<string>(STACK_TRACE_QUERY);
    expect(trace).toContain('src/workflows/common/agenda.ts');
    await stop(usual);
    await handle.terminate('stack-traces test done');
  }, 180_000);
});
