import { InterceptingCall, Interceptor, ListenerBuilder } from '@grpc/grpc-js';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { ticketWorkflow } from '../../src/workflows';
import { dataConverterFor } from '../../src/temporal/temporal-options';
import { replyUpdate } from '../../src/workflows/ticket/messages';
import { useWorkerStack } from '../support/harness';
import { updateUntilAnswered } from '../support/retried-update';
import { ticketInput } from '../support/tickets';
import { trustedTestSigner } from '../support/trusted-signer';
import { waitFor } from '../support/wait-for';

/**
 * The crash harness's agent (test/support/retried-update.ts) on a case no worker serves, so the
 * update never completes: past its budget the action is reported and its gRPC call cancelled. An
 * abandoned call went on polling; once the bench closed the connection the SDK's retry timer fired
 * on the shut channel and its uncaught "Channel has been shut down" ended the `make bench` pass.
 */
describe('updateUntilAnswered past its budget', () => {
  const stack = useWorkerStack({}, { label: 'retried-update', worker: false });

  it('rejects naming the update and leaves no call in flight', async () => {
    // Calls started and not yet ended on this connection, counted outside the SDK's retries.
    let inFlight = 0;
    const counting: Interceptor = (options, nextCall) =>
      new InterceptingCall(nextCall(options), {
        start(metadata, _listener, next) {
          inFlight++;
          next(metadata, new ListenerBuilder().withOnReceiveStatus((status, pass) => { inFlight--; pass(status); }).build());
        },
      });
    const connection = await Connection.connect({ address: stack.config.TEMPORAL_ADDRESS, interceptors: [counting, makeGrpcRetryInterceptor(defaultGrpcRetryOptions())] });
    try {
      const client = new Client({ connection, namespace: stack.config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(stack.config, { identity: trustedTestSigner }) });
      const input = ticketInput({ priority: 'P3' });
      const h = await client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue: stack.taskQueue, args: [input] });

      const asked = updateUntilAnswered(h, replyUpdate, [{ actor: 'bench', author: 'agent', message: 'on it' }], { budgetMs: 2_000 });
      // The update is waiting on the server (nobody polls the queue) before the budget runs out.
      await waitFor(() => inFlight > 0, { timeoutMs: 2_000, intervalMs: 20, what: 'the update call in flight' });
      await expect(asked).rejects.toMatchObject({ message: 'update reply not completed within 2 s', update: 'reply' });
      // Cancelled, not abandoned: nothing is left to retry on the connection about to be closed.
      await waitFor(() => inFlight === 0, { timeoutMs: 2_000, intervalMs: 20, what: 'no call in flight' });
      await h.terminate('test over');
    } finally {
      await connection.close();
    }
  });
});
