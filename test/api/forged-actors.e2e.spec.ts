import { Client, WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../src/config/config.schema';
import { UNVERIFIED_ACTOR_FAILURE } from '../../src/domain/verified-actor';
import { VERIFIED_CALLER_METADATA } from '../../src/temporal/payload-metadata';
import { payloadCodecsFor } from '../../src/temporal/temporal-options';
import { noteTakedownUpdate } from '../../src/workflows/takedown/messages';
import { createKey, openDataSource, startApi, startWorker, temporalClient, testConfig, uniqueTaskQueue, useHttpStack } from '../support/harness';
import { forgerClient } from '../support/forger';
import { httpClient } from '../support/http';
import { copyrightNotice, startTakedown, takedownInput } from '../support/takedowns';
import { ticketEvents } from '../support/tickets';
import { waitFor } from '../support/wait-for';

const EventType = temporal.api.enums.v1.EventType;

/** The callers bound to the updates the case accepted, in order, as the worker verified them. */
async function boundCallers(client: Client, config: AppConfig, workflowId: string): Promise<{ update: string; caller: unknown }[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const codecs = [...payloadCodecsFor(config)].reverse();
  const context = { type: 'workflow' as const, namespace: config.TEMPORAL_NAMESPACE, workflowId };
  const out: { update: string; caller: unknown }[] = [];
  for (const e of history.events ?? []) {
    if (e.eventType !== EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) continue;
    const request = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
    let payloads = (request?.input?.args?.payloads ?? []) as Payload[];
    for (const codec of codecs) payloads = await codec.decode(payloads, context);
    const caller = payloads[0]?.metadata?.[VERIFIED_CALLER_METADATA];
    out.push({ update: request?.input?.name ?? '', caller: caller ? JSON.parse(Buffer.from(caller).toString('utf8')) : null });
  }
  return out;
}

/**
 * The API binds every update to the caller it authenticated, so API actions keep working while
 * an update sent straight to Temporal with a made-up actor is refused (test/workflows/forged-actors.spec.ts
 * covers the forgeries in depth).
 */
describe('actions through the API carry the caller it authenticated', () => {
  const config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('forged-actors-e2e') });
  const stack = useHttpStack(config);
  let client: Client;
  let http: ReturnType<typeof httpClient>;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    client = await temporalClient(config);
    http = httpClient(stack.api.baseUrl);
    keys.client = await createKey(stack.ds, 'client', 'client-acme');
    keys.agent = await createKey(stack.ds, 'agent', 'agent-bo');
    keys.legal = await createKey(stack.ds, 'legal', 'legal-ines');
  });
  afterAll(async () => {
    await client?.connection.close();
  });

  it('a ticket opened (a start: no update to bind) and assigned: the assignment is bound to its key', async () => {
    const opened = await http('POST', '/v1/tickets', {
      key: keys.client,
      body: { brand: 'uoozee', channel: 'email', priority: 'P4', subject: 'Playback stops', description: 'Since yesterday.', customerRef: 'cust_4711' },
    });
    expect(opened.status).toBe(201);
    const id: string = opened.body.id;
    const assigned = await http('POST', `/v1/tickets/${id}/assign`, { key: keys.agent, body: { assignee: 'ann' } });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ assignee: 'ann' });
    // The opening is the workflow's start, not an update: its opener is the start input's openedBy,
    // which only the API sets (from the key it authenticated), recorded as the opening's actor.
    const events = await waitFor(
      async () => {
        const recorded = await ticketEvents(stack.ds, id);
        return recorded.length > 0 ? recorded : undefined;
      },
      { what: 'the opening recorded' },
    );
    expect(events[0]).toMatchObject({ type: 'opened', actor: 'client-acme' });
    expect(await boundCallers(client, config, id)).toEqual([{ update: 'assign', caller: expect.objectContaining({ name: 'agent-bo', role: 'agent', case: id }) }]);
  });

  it('a takedown note by legal is accepted; the same note with a made-up legal actor sent straight to Temporal is refused and never shows', async () => {
    const input = takedownInput(copyrightNotice());
    await startTakedown(client, config.TEMPORAL_TASK_QUEUE, input);
    const id = input.caseId;
    const noted = await http('POST', `/v1/takedowns/${id}/note`, { key: keys.legal, body: { text: 'Checked the upload: it matches.' } });
    expect(noted.status).toBe(200);

    // The Web UI's "Send an Update", in effect: plaintext, no binding.
    const ui = forgerClient(client.connection, config);
    const err = await ui.workflow
      .getHandle(id)
      .executeUpdate(noteTakedownUpdate, { args: [{ actor: { id: 'ui-web-not-legal', role: 'legal' }, text: 'made up' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((err as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe(UNVERIFIED_ACTOR_FAILURE);

    const got = await http('GET', `/v1/takedowns/${id}`, { key: keys.legal });
    expect(got.status).toBe(200);
    expect(got.body.notes.map((n: { actor: string; text: string }) => [n.actor, n.text])).toEqual([['legal-ines', 'Checked the upload: it matches.']]);
    expect(await boundCallers(client, config, id)).toEqual([{ update: 'note', caller: expect.objectContaining({ name: 'legal-ines', role: 'legal', case: id }) }]);
  });
});

/**
 * Without PAYLOAD_ENCRYPTION_KEY there is no binding key: nobody can vouch for anyone, so a case
 * fails at once when started (its input carries no verified caller) and no action reaches it
 * (fail closed). Production requires the key; `make dev` and the tests set one.
 */
describe('no PAYLOAD_ENCRYPTION_KEY: cases fail closed', () => {
  const config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('keyless-e2e'), PAYLOAD_ENCRYPTION_KEY: '' });

  it('a takedown started without the key fails as UnverifiedActor before it runs; a note is not accepted', async () => {
    expect(config.PAYLOAD_ENCRYPTION_KEY).toBeUndefined();
    const ds: DataSource = await openDataSource(config);
    const worker = await startWorker(config, ds);
    const api = await startApi(config);
    const client = await temporalClient(config);
    try {
      const input = takedownInput(copyrightNotice());
      await startTakedown(client, config.TEMPORAL_TASK_QUEUE, input);
      const failure = await client.workflow.getHandle(input.caseId).result().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      expect(((failure as WorkflowFailedError).cause as ApplicationFailure).type).toBe(UNVERIFIED_ACTOR_FAILURE);
      const legal = await createKey(ds, 'legal', 'legal-keyless');
      const res = await httpClient(api.baseUrl)('POST', `/v1/takedowns/${input.caseId}/note`, { key: legal, body: { text: 'a note' } });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(res.body)).not.toMatch(/\bat\s|\.ts\b|\/work\//);
    } finally {
      await client.connection.close();
      await api.stop();
      await worker.stop();
      await ds.destroy();
    }
  });
});
