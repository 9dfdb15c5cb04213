import { Client, Connection, WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, Payload, SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { BINDING_MAX_AGE_MS, UNVERIFIED_ACTOR_FAILURE } from '../../src/domain/verified-actor';
import { ActorBindingCodec } from '../../src/temporal/actor-binding';
import { ACTOR_BINDING_MAC_METADATA, ACTOR_BINDING_METADATA, CASE_ID_METADATA, CASE_KIND_METADATA, VERIFIED_CALLER_METADATA } from '../../src/temporal/payload-metadata';
import { payloadConverter } from '../../src/temporal/payload-converter';
import { payloadCodecsFor, PAYLOAD_CONVERTER_PATH } from '../../src/temporal/temporal-options';
import { incidentWorkflow, preservationWorkflow, ticketWorkflow } from '../../src/workflows';
import { noteIncidentUpdate } from '../../src/workflows/incident/messages';
import { noteTakedownUpdate } from '../../src/workflows/takedown/messages';
import { PreservationInput } from '../../src/workflows/takedown/preservation-messages';
import { assignUpdate, intakeUpdate } from '../../src/workflows/ticket/messages';
import { PagerDutyFake, startPagerDutyFake } from '../fakes/pagerduty-events';
import { queryOpened } from '../support/sealed-rows';
import { openDataSource, RunningWorker, startWorker, temporalClient, testConfig, uniqueTaskQueue } from '../support/harness';
import { manualIncidentInput } from '../support/incidents';
import { copyrightNotice, startTakedown, takedownInput, testTakedownPolicy } from '../support/takedowns';
import { ticketInput } from '../support/tickets';
import { forgerClient } from '../support/forger';
import { trustedTestSigner } from '../support/trusted-signer';
import { waitFor } from '../support/wait-for';

const run = promisify(execFile);
const EventType = temporal.api.enums.v1.EventType;
const id26 = () => randomUUID().replace(/-/g, '').slice(0, 26);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const LEGAL = { id: 'legal-ines', role: 'legal' };
/** Every forged payload carries this in a content field, so the read model can be searched for it. */
const MARK = 'forged';

type Kind = 'takedown' | 'incident' | 'ticket';

/** Each kind's updates, every one of them, with an argument the API could send (actor `who`). */
function everyUpdate(kind: Kind, who: string): [string, Record<string, unknown>][] {
  const byLegal = { id: who, role: 'legal' };
  switch (kind) {
    case 'takedown':
      return [
        ['assignReviewer', { actor: byLegal, reviewer: `${MARK}-reviewer` }],
        ['requestInformation', { actor: byLegal, missing: ['signature'], message: MARK }],
        ['recordInformationReceived', { actor: byLegal, note: MARK }],
        ['decide', { actor: byLegal, decision: { outcome: 'reject', facts: MARK } }],
        ['applyDecision', { actor: byLegal, authorityInformed: null }],
        ['close', { actor: byLegal }],
        ['recordCounterNotice', { actor: byLegal, counterNotice: { signature: MARK } }],
        ['recordSuitFiled', { actor: byLegal, court: MARK }],
        ['recordComplaint', { actor: byLegal, by: 'notifier', grounds: MARK }],
        ['upholdDecision', { actor: byLegal, reasons: MARK }],
        ['reverseDecision', { actor: byLegal, reasons: MARK }],
        ['note', { actor: byLegal, text: MARK }],
      ];
    case 'incident':
      return [
        ['acknowledge', { actor: who }],
        ['note', { actor: who, text: MARK }],
        ['mitigate', { actor: who, summary: MARK }],
        ['resolve', { actor: who, summary: MARK }],
        ['priority', { actor: who, priority: 'P1', reason: MARK }],
        ['link_ticket', { actor: who, ticketId: `ticket-${MARK}` }],
        ['review', { actor: who, summary: MARK }],
        ['close', { actor: who }],
      ];
    case 'ticket':
      return [
        ['intake', { requestHash: 'hash-1' }],
        ['assign', { actor: who, assignee: `${MARK}-assignee` }],
        ['reply', { actor: who, author: 'agent', message: MARK }],
        ['pending', { actor: who, reason: 'customer', message: MARK }],
        ['priority', { actor: who, priority: 'P1', reason: MARK }],
        ['resolve', { actor: who, resolution: MARK }],
        ['reopen', { actor: who, reason: MARK }],
        ['close', { actor: who }],
        ['csat', { actor: who, score: 1, comment: MARK }],
        ['repin', { actor: who, policy: {} }],
      ];
  }
}

/** The update each kind gets the actor-shape forgeries on (all refused before anything else is checked). */
const NOTE_LIKE: Record<Kind, { name: string; content: Record<string, unknown> }> = {
  takedown: { name: 'note', content: { text: MARK } },
  incident: { name: 'note', content: { text: MARK } },
  ticket: { name: 'assign', content: { assignee: `${MARK}-assignee` } },
};

/** Every shape an `actor` field can take in JSON, and caller-looking fields beside it. */
const ACTOR_SHAPES: [string, Record<string, unknown>][] = [
  ['a string naming a legal user', { actor: 'legal-ines' }],
  ['{id, role} of an agent', { actor: { id: 'agent-ann', role: 'agent' } }],
  ['{id, role: "legal"} made up in the UI', { actor: { id: 'ui-web-not-legal', role: 'legal' } }],
  ['no actor at all', {}],
  ['null', { actor: null }],
  ['a number', { actor: 42 }],
  ['an array', { actor: ['legal-ines', 'legal'] }],
  ['a nested object', { actor: { id: { id: 'legal-ines' }, role: { role: 'legal' }, caller: { name: 'legal-ines' } } }],
  ['{id, role} with extra fields', { actor: { id: 'legal-ines', role: 'legal', verified: true } }],
  [
    'caller-looking fields beside it',
    {
      actor: 'legal-ines',
      'caseworks-caller': { name: 'legal-ines', role: 'legal', at: Date.now() },
      'Symbol(caseworks.caller)': { name: 'legal-ines', role: 'legal', at: Date.now() },
      caller: { name: 'legal-ines', role: 'legal' },
    },
  ],
];

/** The Temporal CLI the dev server runs from (scripts/install-temporal-cli.sh finds or builds it). */
function temporalCli(): string {
  return execFileSync('bash', [resolve(__dirname, '..', '..', 'scripts', 'install-temporal-cli.sh')], { encoding: 'utf8' }).trim();
}

describe('forged actors: an update reaches a case only as a caller the service vouches for', () => {
  const taskQueue = uniqueTaskQueue('forged-actors');
  let pd: PagerDutyFake;
  let config: ReturnType<typeof testConfig>;
  let ds: DataSource;
  let worker: RunningWorker;
  let connection: Connection;
  /** The harness's client: signs as the service (the actor it claims is bound, like the API's caller). */
  let service: Client;
  /** Plaintext JSON with no binding, as the Web UI, the CLI or the stock SDK send. */
  let plain: Client;
  /** A client sending plaintext with the metadata given. */
  let forger: (metadata?: () => Record<string, Uint8Array>) => Client;
  /** Caseworks' own codecs (sealed payloads) but no caller: what /codec/encode gives the Web UI. */
  let sealedUnbound: Client;
  /** A binding made with a key that is not the service's. */
  let wrongKey: Client;
  /** Bindings stamped 6 minutes ago / 6 minutes ahead (a payload kept and replayed; a wrong clock). */
  let stale: Client;
  let future: Client;
  let cli: string;
  /** Every update ID a forger sent, per workflow: none may appear in history. */
  const forged = new Map<string, string[]>();

  beforeAll(async () => {
    cli = temporalCli();
    pd = await startPagerDutyFake();
    config = testConfig({ PAGERDUTY_EVENTS_URL: pd.url, PAGERDUTY_ROUTING_KEY: pd.routingKey });
    ds = await openDataSource(config);
    worker = await startWorker(config, ds, taskQueue);
    connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    const namespace = config.TEMPORAL_NAMESPACE;
    const sealing = payloadCodecsFor(config).slice(1); // the case-key and master-key codecs, without the binding
    const binding = (options: ConstructorParameters<typeof ActorBindingCodec>[0]) => new ActorBindingCodec(options);
    service = await temporalClient(config);
    forger = (metadata) => forgerClient(connection, config, metadata);
    plain = forger();
    sealedUnbound = new Client({ connection, namespace, dataConverter: { payloadConverterPath: PAYLOAD_CONVERTER_PATH, payloadCodecs: payloadCodecsFor(config) } });
    const otherKey = randomBytes(32).toString('base64');
    wrongKey = new Client({ connection, namespace, dataConverter: { payloadCodecs: [binding({ encryptionKey: otherKey, identity: trustedTestSigner }), ...sealing] } });
    stale = new Client({
      connection,
      namespace,
      dataConverter: { payloadCodecs: [binding({ encryptionKey: config.PAYLOAD_ENCRYPTION_KEY, identity: trustedTestSigner, now: () => Date.now() - BINDING_MAX_AGE_MS - 60_000 }), ...sealing] },
    });
    future = new Client({
      connection,
      namespace,
      dataConverter: { payloadCodecs: [binding({ encryptionKey: config.PAYLOAD_ENCRYPTION_KEY, identity: trustedTestSigner, now: () => Date.now() + BINDING_MAX_AGE_MS + 60_000 }), ...sealing] },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await service?.connection.close();
    await connection?.close();
    await ds?.destroy();
    await pd?.close();
  });

  async function startCase(kind: Kind): Promise<string> {
    if (kind === 'takedown') return (await startTakedown(service, taskQueue, takedownInput(copyrightNotice()))).workflowId;
    if (kind === 'incident') {
      const input = manualIncidentInput(`incident-${id26()}`);
      return (await service.workflow.start(incidentWorkflow, { workflowId: input.incidentId, taskQueue, args: [input] })).workflowId;
    }
    const input = ticketInput();
    return (await service.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue, args: [input] })).workflowId;
  }

  /** Sends an update the way a forger would and returns the refusal (failing the test if it was accepted). */
  async function refusedVia(client: Client, workflowId: string, name: string, arg: unknown): Promise<ApplicationFailure> {
    const updateId = `forged-${randomUUID()}`;
    forged.set(workflowId, [...(forged.get(workflowId) ?? []), updateId]);
    const err = await client.workflow
      .getHandle(workflowId)
      .executeUpdate(name, { args: [arg], updateId })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    return cause as ApplicationFailure;
  }

  function expectUnverified(failure: ApplicationFailure): void {
    expect({ type: failure.type, details: failure.details }).toEqual({ type: UNVERIFIED_ACTOR_FAILURE, details: [{ reason: 'unverified-actor', field: 'actor' }] });
    expect(failure.nonRetryable).toBe(true);
    // A clear sentence: no stack, no server paths (the stack travels in the failure, for the UI to show).
    expect(failure.message).not.toMatch(/\/|\n|\bat\s/);
    expect(failure.stack ?? '').not.toMatch(/\bat\s|webpack|\.[jt]s\b|\//);
  }

  async function acceptedUpdateIds(workflowId: string): Promise<string[]> {
    const history = await service.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? [])
      .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId ?? '');
  }

  /** Read-model rows of the case that carry a forger's content. */
  async function forgedRows(kind: Kind, workflowId: string): Promise<unknown[]> {
    const [table, column] = kind === 'takedown' ? ['takedown_events', 'case_id'] : kind === 'incident' ? ['incident_events', 'incident_id'] : ['ticket_events', 'ticket_id'];
    // Opened first: the events' data is sealed under the case's key, so the marker is never in the raw row.
    const rows = await queryOpened<Record<string, unknown>>(ds, `SELECT * FROM ${table} WHERE ${column} = $1`, [workflowId]);
    return rows
      .filter((e) => JSON.stringify(e).toLowerCase().includes(MARK.toLowerCase()) || ['legal-ines-forged', 'ui-web-not-legal'].includes(String(e.actor)))
      .map((e) => ({ type: e.type, actor: e.actor }));
  }

  /**
   * After the forgeries: a real action (bound by the service) is accepted and lands in the read
   * model — so the worker was there all along — and nothing the forgers sent is in history or
   * in the read model.
   */
  async function expectNoTrace(kind: Kind, workflowId: string): Promise<void> {
    const h: WorkflowHandle = service.workflow.getHandle(workflowId);
    const legit = `legit-${randomUUID()}`;
    if (kind === 'ticket') await h.executeUpdate(assignUpdate, { args: [{ actor: 'agent-ann', assignee: 'agent-ann' }], updateId: legit });
    else if (kind === 'incident') await h.executeUpdate(noteIncidentUpdate, { args: [{ actor: 'sre-kim', text: 'a real note' }], updateId: legit });
    else await h.executeUpdate(noteTakedownUpdate, { args: [{ actor: LEGAL, text: 'a real note' }], updateId: legit });
    const accepted = await acceptedUpdateIds(workflowId);
    expect(accepted).toContain(legit);
    const sent = forged.get(workflowId) ?? [];
    expect(sent.length).toBeGreaterThan(0);
    expect(accepted.filter((id) => sent.includes(id))).toEqual([]);
    const [table, column, actor] = kind === 'takedown' ? ['takedown_events', 'case_id', 'legal-ines'] : kind === 'incident' ? ['incident_events', 'incident_id', 'sre-kim'] : ['ticket_events', 'ticket_id', 'agent-ann'];
    await waitFor(async () => ((await ds.query(`SELECT 1 FROM ${table} WHERE ${column} = $1 AND actor = $2`, [workflowId, actor])) as unknown[]).length > 0 || undefined, {
      what: `the real action's event row for ${workflowId}`,
    });
    expect(await forgedRows(kind, workflowId)).toEqual([]);
  }

  it.each<Kind>(['takedown', 'incident', 'ticket'])('%s: every update sent without the service binding is refused as UnverifiedActor, leaving no event', async (kind) => {
    const workflowId = await startCase(kind);
    for (const [name, arg] of everyUpdate(kind, kind === 'takedown' ? 'legal-ines' : 'agent-ann')) {
      // Plaintext (Web UI / CLI / SDK) and sealed with the service's codecs but unbound (/codec/encode).
      expectUnverified(await refusedVia(plain, workflowId, name, arg));
      expectUnverified(await refusedVia(sealedUnbound, workflowId, name, arg));
    }
    await expectNoTrace(kind, workflowId);
  });

  it.each<Kind>(['takedown', 'incident', 'ticket'])('%s: every shape of actor, with or without caller-looking fields, is refused when unbound', async (kind) => {
    const workflowId = await startCase(kind);
    const { name, content } = NOTE_LIKE[kind];
    for (const [, shape] of ACTOR_SHAPES) expectUnverified(await refusedVia(plain, workflowId, name, { ...shape, ...content }));
    await expectNoTrace(kind, workflowId);
  });

  it('a binding made with another key, a stale or future one, one copied onto another payload or another case: all refused', async () => {
    const workflowId = await startCase('takedown');
    const other = await startCase('takedown');
    const arg = { actor: LEGAL, text: `${MARK} note` };
    expectUnverified(await refusedVia(wrongKey, workflowId, 'note', arg));
    const staleFailure = await refusedVia(stale, workflowId, 'note', arg);
    expectUnverified(staleFailure);
    expect(staleFailure.message).toMatch(/5 minutes/);
    expectUnverified(await refusedVia(future, workflowId, 'note', arg));

    // A real binding for a real note of this case, as the API makes it (captured, not sent).
    const context: SerializationContext = { type: 'workflow', namespace: config.TEMPORAL_NAMESPACE, workflowId };
    const signer = new ActorBindingCodec({ encryptionKey: config.PAYLOAD_ENCRYPTION_KEY, identity: () => ({ name: LEGAL.id, role: LEGAL.role }) });
    const [bound] = await signer.encode([payloadConverter.toPayload({ actor: LEGAL, text: 'the note legal really wrote' })], context);
    const stolen = {
      [ACTOR_BINDING_METADATA]: bound.metadata![ACTOR_BINDING_METADATA],
      [ACTOR_BINDING_MAC_METADATA]: bound.metadata![ACTOR_BINDING_MAC_METADATA],
    };
    // …moved onto different words: the MAC covers the payload's bytes.
    const moved = forger(() => stolen);
    expectUnverified(await refusedVia(moved, workflowId, 'note', { actor: LEGAL, text: `${MARK}: words legal never wrote` }));
    // …the very same bytes sent to another case: the binding names the case it was made for.
    const replayed = forger(() => stolen);
    const sameBytes = JSON.parse(Buffer.from(bound.data!).toString('utf8')) as Record<string, unknown>;
    expect(Buffer.from(payloadConverter.toPayload(sameBytes).data!)).toEqual(Buffer.from(bound.data!));
    expectUnverified(await refusedVia(replayed, other, 'note', sameBytes));
    // …a verified-caller metadata written by the sender itself: removed before the workflow sees it.
    const claimed = forger(() => ({ [VERIFIED_CALLER_METADATA]: Buffer.from(JSON.stringify({ name: LEGAL.id, role: LEGAL.role, at: Date.now(), case: workflowId })) }));
    expectUnverified(await refusedVia(claimed, workflowId, 'note', { actor: LEGAL, text: MARK }));

    await expectNoTrace('takedown', workflowId);
    expect(await acceptedUpdateIds(other)).toEqual([]);
    expect(await forgedRows('takedown', other)).toEqual([]);

    // What the binding does not stop: the same bytes again to the same case within 5 minutes
    // repeat an action the caller really took (the control that the copy itself was valid).
    const repeated = await replayed.workflow.getHandle(workflowId).executeUpdate(noteTakedownUpdate, { args: [sameBytes as never] });
    expect(repeated.id).toBe(workflowId);
  });

  it('the service binding is accepted: a takedown note by legal, a ticket intake with no actor (system), a binding 4 minutes old', async () => {
    const workflowId = await startCase('takedown');
    const noted = await service.workflow.getHandle(workflowId).executeUpdate(noteTakedownUpdate, { args: [{ actor: LEGAL, text: 'a real note' }] });
    expect(noted.id).toBe(workflowId);
    // What the workflow wrote (the update's result) names its kind and case, for the codecs.
    const completed = ((await service.workflow.getHandle(workflowId).fetchHistory()).events ?? []).find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
    let result = (completed?.workflowExecutionUpdateCompletedEventAttributes?.outcome?.success?.payloads ?? []) as Payload[];
    for (const codec of [...payloadCodecsFor(config)].reverse()) result = await codec.decode(result, { type: 'workflow', namespace: config.TEMPORAL_NAMESPACE, workflowId });
    expect(result).toHaveLength(1);
    expect([text(result[0].metadata?.[CASE_KIND_METADATA]), text(result[0].metadata?.[CASE_ID_METADATA])]).toEqual(['takedownWorkflow', workflowId]);
    const fourMinutes = new Client({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      dataConverter: { payloadCodecs: [new ActorBindingCodec({ encryptionKey: config.PAYLOAD_ENCRYPTION_KEY, identity: trustedTestSigner, now: () => Date.now() - 4 * 60_000 }), ...payloadCodecsFor(config).slice(1)] },
    });
    await fourMinutes.workflow.getHandle(workflowId).executeUpdate(noteTakedownUpdate, { args: [{ actor: LEGAL, text: 'kept four minutes' }] });
    const ticket = await startCase('ticket');
    const intake = await service.workflow.getHandle(ticket).executeUpdate(intakeUpdate, { args: [{ requestHash: 'hash-1' }] });
    expect(intake.firstIntake).toBe(true);
    // The same intake unbound is refused: a system action needs the service too.
    expectUnverified(await refusedVia(plain, ticket, 'intake', { requestHash: 'hash-1' }));
  });

  it('a preservation hold: extending it unbound is refused', async () => {
    const policy = testTakedownPolicy();
    const hold: PreservationInput = {
      holdId: `preservation-${id26()}`,
      caseId: `takedown-${id26()}`,
      brand: 'uoozee',
      authority: 'Polizei Berlin',
      reference: 'LKA7-1',
      items: [{ contentId: 'vid_901' }],
      requestedBy: 'legal-ines',
      requestedAt: Date.now(),
      policy: policy.clocks.preservation!,
      escalateTo: policy.escalateTo,
    };
    await service.workflow.start(preservationWorkflow, { workflowId: hold.holdId, taskQueue, args: [hold] });
    expectUnverified(await refusedVia(plain, hold.holdId, 'extendPreservation', { actor: LEGAL, reference: MARK }));
    expect(await acceptedUpdateIds(hold.holdId)).toEqual([]);
  });

  describe('through the Temporal CLI (temporal workflow update execute)', () => {
    /** Runs the CLI against the dev server; resolves with its exit code and output (it exits non-zero on a refusal). */
    async function cliUpdate(workflowId: string, name: string, input: string, meta: string[] = []): Promise<{ code: number; out: string; updateId: string }> {
      const updateId = `forged-cli-${randomUUID()}`;
      forged.set(workflowId, [...(forged.get(workflowId) ?? []), updateId]);
      const args = ['workflow', 'update', 'execute', '--address', config.TEMPORAL_ADDRESS, '--namespace', config.TEMPORAL_NAMESPACE, '-w', workflowId, '--name', name, '--update-id', updateId, '-i', input];
      for (const m of meta) args.push('--input-meta', m);
      try {
        const { stdout, stderr } = await run(cli, args, { timeout: 30_000 });
        return { code: 0, out: stdout + stderr, updateId };
      } catch (err) {
        const e = err as { code?: number; stdout?: string; stderr?: string };
        return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}`, updateId };
      }
    }

    function expectCliRefusal(result: { code: number; out: string }): void {
      expect(result.code).not.toBe(0);
      expect(result.out).toMatch(/(not sent through the Caseworks API|actor must be|vouched for).*\(type: UnverifiedActor, retryable: false\)/);
      expect(result.out).not.toMatch(/\/work\/|webpack|\.ts:\d+/);
    }

    it.each<Kind>(['takedown', 'incident', 'ticket'])('%s: every actor shape, and forged caller or binding metadata, is refused; no event', async (kind) => {
      const workflowId = await startCase(kind);
      const { name, content } = NOTE_LIKE[kind];
      for (const [, shape] of ACTOR_SHAPES) expectCliRefusal(await cliUpdate(workflowId, name, JSON.stringify({ ...shape, ...content })));
      const claim = JSON.stringify({ name: 'legal-ines', role: 'legal', at: Date.now(), case: workflowId });
      const input = JSON.stringify({ actor: kind === 'takedown' ? LEGAL : 'legal-ines', ...content });
      expectCliRefusal(await cliUpdate(workflowId, name, input, [`${VERIFIED_CALLER_METADATA}=${claim}`]));
      expectCliRefusal(await cliUpdate(workflowId, name, input, [`${ACTOR_BINDING_METADATA}=${claim}`, `${ACTOR_BINDING_MAC_METADATA}=${'0'.repeat(32)}`]));
      await expectNoTrace(kind, workflowId);
    });
  });
});
