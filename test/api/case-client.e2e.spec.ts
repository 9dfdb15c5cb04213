import { Logger } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { CaseClient } from '../../src/api/cases/case-client';
import { Problem } from '../../src/api/problem/problem';
import type { AppConfig } from '../../src/config/app-config';
import { ticketWorkflow } from '../../src/workflows';
import { closeUpdate, statusQuery, TicketView } from '../../src/workflows/ticket/messages';
import { temporalClient, testConfig, uniqueTaskQueue } from '../support/harness';
import { ticketInput } from '../support/tickets';

/** A well-formed ticket ID nobody has started. */
const unknownTicketId = () => `ticket-${randomBytes(20).toString('hex').replace(/[^a-z2-7]/g, 'a').slice(0, 26)}`;

async function problemOf(action: Promise<unknown>): Promise<Record<string, unknown>> {
  const err: unknown = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Problem)) throw new Error(`expected a Problem, got ${String(err)}`);
  return err.toDetails();
}

/**
 * The API's one case client against the real dev server: what an action on a case that is not
 * (or no longer) running answers, and that a read falling back to the read model is logged.
 */
describe('CaseClient on the real Temporal dev server', () => {
  let temporal: Client;
  let cases: CaseClient;
  let warn: jest.SpyInstance;
  // No worker polls this queue: a workflow started here never runs a task.
  const idleQueue = uniqueTaskQueue('case-client-idle');
  const queryTimeoutMs = 500;

  beforeAll(async () => {
    const config = testConfig({ QUERY_TIMEOUT_MS: String(queryTimeoutMs) });
    temporal = await temporalClient(config);
    cases = new CaseClient(temporal, config as AppConfig);
  });

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => warn.mockRestore());

  afterAll(async () => {
    await temporal.connection.close();
  });

  const close = (id: string, recordedState: () => Promise<string | undefined>) => cases.update('ticket', id, closeUpdate, [{ actor: 'agent-bo' }], { recordedState });

  it('an action on a case Temporal does not know, and the read model neither, is a 404', async () => {
    const id = unknownTicketId();
    expect(await problemOf(close(id, async () => undefined))).toMatchObject({ status: 404, type: Problem.typeFor('not-found'), detail: `ticket ${id} does not exist` });
  });

  it('an ID that cannot be the kind is a 404 without asking Temporal', async () => {
    expect(await problemOf(close('ticket-NOT-AN-ID', async () => 'open'))).toMatchObject({ status: 404 });
  });

  it('an action on a case past retention that the read model recorded as closed is a 409 naming that state', async () => {
    const id = unknownTicketId();
    expect(await problemOf(close(id, async () => 'closed'))).toMatchObject({ status: 409, type: Problem.typeFor('invalid-transition'), state: 'closed' });
  });

  it('an action on a case whose workflow was terminated is a 410 naming how it ended', async () => {
    const id = unknownTicketId();
    const handle = await temporal.workflow.start(ticketWorkflow, { workflowId: id, taskQueue: idleQueue, args: [ticketInput({ ticketId: id })] });
    await handle.terminate('test: operator stop');
    expect(await problemOf(close(id, async () => 'open'))).toMatchObject({
      status: 410,
      type: Problem.typeFor('case-gone'),
      state: 'terminated',
      ended: { how: 'terminated', reason: 'test: operator stop' },
    });
  });

  it('a read Temporal cannot answer (no such workflow) falls back to the read model and logs why, with the case ID only', async () => {
    const id = unknownTicketId();
    const recorded = { id, status: 'closed', subject: 'Printer on fire' } as unknown as TicketView;
    const read = await cases.read('ticket', id, statusQuery, async () => recorded);
    expect(read).toEqual({ view: recorded, source: 'read-model' });
    expect(warn).toHaveBeenCalledTimes(1);
    const [message] = warn.mock.calls[0] as [string];
    expect(message).toContain(id);
    expect(message).toContain('not-found');
    expect(message).not.toContain('Printer on fire');
  });

  it('a read the workflow does not answer in time falls back to the read model and logs the timeout', async () => {
    const id = unknownTicketId();
    await temporal.workflow.start(ticketWorkflow, { workflowId: id, taskQueue: idleQueue, args: [ticketInput({ ticketId: id })] });
    try {
      const recorded = { id, status: 'new' } as unknown as TicketView;
      expect(await cases.read('ticket', id, statusQuery, async () => recorded)).toEqual({ view: recorded, source: 'read-model' });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`${id}: read from the read model (timeout`));
    } finally {
      await temporal.workflow.getHandle(id).terminate('test done');
    }
  });

  it('a read neither Temporal nor the read model knows is a 404', async () => {
    const id = unknownTicketId();
    expect(await problemOf(cases.read('ticket', id, statusQuery, async () => undefined))).toMatchObject({ status: 404 });
  });
});
