import { Client, WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { AppConfig } from '../../src/config/config.schema';
import { UNVERIFIED_ACTOR_FAILURE } from '../../src/domain/verified-actor';
import type { Caller } from '../../src/temporal/actor-binding';
import { ACTOR_BINDING_MAC_METADATA, ACTOR_BINDING_METADATA, VERIFIED_CALLER } from '../../src/temporal/payload-metadata';
import { dataConverterFor, payloadCodecsFor, workerDataConverterFor } from '../../src/temporal/temporal-options';
import { ensureSchedule, retentionPurgeSchedule } from '../../src/worker/schedules';
import { alertGroupQuery, incidentStatusQuery } from '../../src/workflows/incident/messages';
import { assignUpdate } from '../../src/workflows/ticket/messages';
import { startStripeFake, StripeFake } from '../fakes/stripe';
import { forgerClient } from '../support/forger';
import { createKey, openDataSource, RunningApi, RunningWorker, startApi, startWorker, temporalClient, testConfig, uniqueTaskQueue } from '../support/harness';
import { httpClient } from '../support/http';
import { alert } from '../support/incidents';
import { waitFor } from '../support/wait-for';
import { DataSource } from 'typeorm';

const EventType = temporal.api.enums.v1.EventType;
const run = promisify(execFile);

/** Commands that would show a signal or a start had an effect on the case. */
const EFFECTS = new Set<number>([
  EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

/**
 * The SDK records the first use of a patch (`patched()`, here the signal check's) as a marker and
 * a `TemporalChangeVersion` search attribute: bookkeeping, not an effect of the signal.
 */
function patchBookkeeping(e: temporal.api.history.v1.IHistoryEvent): boolean {
  const fields = Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
  return e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES && fields.length > 0 && fields.every((f) => f === 'TemporalChangeVersion');
}

/** Sends the payloads given, whatever it is asked to encode: a bound payload copied from history, sent again. */
class ReplayCodec implements PayloadCodec {
  constructor(
    private readonly payloads: () => Payload[],
    private readonly reader: PayloadCodec[],
  ) {}
  async encode(): Promise<Payload[]> {
    return this.payloads();
  }
  async decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    for (const codec of [...this.reader].reverse()) payloads = await codec.decode(payloads, context);
    return payloads;
  }
}

/** The Temporal CLI the dev server runs from (scripts/install-temporal-cli.sh finds or builds it). */
function temporalCli(): string {
  return execFileSync('bash', [resolve(__dirname, '..', '..', 'scripts', 'install-temporal-cli.sh')], { encoding: 'utf8' }).trim();
}

/**
 * Signals and starts, like updates, act for a caller the service vouches for: the API's (billing
 * webhook, alert intake) or the worker's (alert group ⇄ incident → ticket, child workflows).
 * Anyone else's signal is dropped (the event stays, nothing changes) and their start fails at once.
 */
describe('signals and starts reach a case only from a caller the service vouches for', () => {
  let stripe: StripeFake;
  let config: AppConfig;
  let ds: DataSource;
  let worker: RunningWorker;
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;
  /** Signs as the service (the test harness's system caller). */
  let service: Client;
  /** Plaintext, no binding: the Web UI, the CLI, a stock SDK. */
  let forger: Client;
  /** A verified caller that is not the sender a signal must come from (an SRE's key). */
  let asSre: Client;
  let cli: string;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    stripe = await startStripeFake();
    config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('forged-signals'), STRIPE_API_KEY: stripe.apiKey, STRIPE_API_BASE: stripe.url, BILLING_WEBHOOK_SECRET: stripe.webhookSecret });
    ds = await openDataSource(config);
    worker = await startWorker(config, ds);
    api = await startApi(config);
    http = httpClient(api.baseUrl);
    service = await temporalClient(config);
    forger = forgerClient(service.connection, config);
    asSre = signedAs(service, config, { name: 'sre-sam', role: 'sre' });
    cli = temporalCli();
    for (const role of ['client', 'agent', 'sre'] as const) keys[role] = await createKey(ds, role);
  });
  afterAll(async () => {
    await service?.connection.close();
    await api?.stop();
    await worker?.stop();
    await ds?.destroy();
    await stripe?.close();
  });

  async function webhook(event: Record<string, unknown>): Promise<void> {
    const { body, header } = stripe.signedEvent(event);
    const res = await fetch(`${api.baseUrl}/v1/webhooks/billing?brand=uoozee`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body });
    expect(res.status).toBe(200);
  }

  async function events(workflowId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
    return (await service.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  }
  /**
   * The last event of a case once it is idle (no workflow task or activity pending, history
   * unchanged between two looks): what follows it is the work of the signals sent next.
   */
  async function lastEventId(workflowId: string, { idle = true } = {}): Promise<number> {
    if (!idle) return Number((await events(workflowId)).at(-1)?.eventId ?? 0);
    let previous = -1;
    return waitFor(
      async () => {
        const { raw } = await service.workflow.getHandle(workflowId).describe();
        const idle = !raw.pendingWorkflowTask && (raw.pendingActivities ?? []).length === 0 && (raw.pendingChildren ?? []).length === 0;
        const last = Number((await events(workflowId)).at(-1)?.eventId ?? 0);
        const stable = idle && last === previous;
        previous = idle ? last : -1;
        return stable ? last : undefined;
      },
      { what: `${workflowId} idle` },
    );
  }

  /**
   * Waits until the case has received `count` signals after event `since` and finished a workflow
   * task after the last of them (so they were handled); returns the effects of everything since.
   */
  async function handledSignals(workflowId: string, since: number, count: number): Promise<string[]> {
    const after = await waitFor(
      async () => {
        const all = (await events(workflowId)).filter((e) => Number(e.eventId) > since);
        const signals = all.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
        if (signals.length < count) return undefined;
        const last = Number(signals.at(-1)!.eventId);
        return all.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && Number(e.eventId) > last) ? all : undefined;
      },
      { what: `${count} signals handled by ${workflowId}` },
    );
    return after.filter((e) => EFFECTS.has(e.eventType!) && !patchBookkeeping(e)).map((e) => EventType[e.eventType!]);
  }

  /** `temporal workflow signal`, as anyone with the CLI and the frontend address can. */
  async function cliSignal(workflowId: string, name: string, input: unknown): Promise<void> {
    await run(cli, ['workflow', 'signal', '--address', config.TEMPORAL_ADDRESS, '--namespace', config.TEMPORAL_NAMESPACE, '-w', workflowId, '--name', name, '-i', JSON.stringify(input)], { timeout: 30_000 });
  }

  /** The same signal forged three ways: the SDK in plaintext, the CLI, and a verified caller who is not its sender. */
  async function forgeSignal(workflowId: string, name: string, input: unknown, wrongSender = true): Promise<number> {
    await forger.workflow.getHandle(workflowId).signal(name, input);
    await cliSignal(workflowId, name, input);
    if (wrongSender) await asSre.workflow.getHandle(workflowId).signal(name, input);
    return wrongSender ? 3 : 2;
  }

  /** A dunning case opened by the webhook's payment_failed (test policy: it cancels after 4 s unless paid). */
  async function failedInvoice(): Promise<{ id: string; invoice: Record<string, unknown> }> {
    const sub = stripe.addSubscription();
    const invoiceId = `in_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const invoice = { id: invoiceId, object: 'invoice', customer: 'cus_9', subscription: sub.id, amount_due: 999, amount_paid: 0, currency: 'usd', attempt_count: 1 };
    await webhook({ id: `evt_f_${invoiceId}`, object: 'event', type: 'invoice.payment_failed', created: Math.floor(Date.now() / 1000), data: { object: invoice } });
    return { id: `dunning-${invoiceId}`, invoice };
  }
  const dunningResult = (id: string) => service.workflow.getHandle(id).result() as Promise<{ status: string }>;

  it('billing: a forged invoicePaid (SDK, CLI, an SRE key) changes nothing; the webhook still recovers a dunning case', async () => {
    const forged = await failedInvoice();
    const sent = await forgeSignal(forged.id, 'invoicePaid', { at: Math.floor(Date.now() / 1000) });
    // The case runs its course to the cancel step: none of the three counted as a payment.
    expect((await dunningResult(forged.id)).status).toBe('exhausted');
    const signaled = (await events(forged.id)).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    expect(signaled).toHaveLength(sent);
    expect((await http('GET', `/v1/dunning/${forged.id}`, { key: keys.agent })).body.status).toBe('exhausted');

    // The webhook's signal is bound to system:billing-webhook: applied.
    const paid = await failedInvoice();
    await webhook({ id: `evt_p_${String(paid.invoice.id)}`, object: 'event', type: 'invoice.paid', created: Math.floor(Date.now() / 1000), data: { object: { ...paid.invoice, amount_paid: 999 } } });
    expect((await dunningResult(paid.id)).status).toBe('recovered');
  });

  it('billing: forged disputeClosed and refundUpdated change nothing on a running dispute and refund', async () => {
    const charge = stripe.addCharge({ amount: 9999, currency: 'usd', authorizationCode: 'AUTH77', last4: '4242' });
    const created = stripe.addDispute({ charge: String(charge.id), reason: 'product_not_received', dueBy: Date.now() + 72 * 3_600_000 });
    await webhook(created);
    const disputeId = `dispute-${(created.data as { object: { id: string } }).object.id}`;
    await waitFor(async () => ((await http('GET', `/v1/disputes/${disputeId}`, { key: keys.agent })).status === 200 ? true : undefined), { what: 'the dispute case' });
    let since = await lastEventId(disputeId);
    const disputeBefore = (await http('GET', `/v1/disputes/${disputeId}`, { key: keys.agent })).body.status as string;
    let sent = await forgeSignal(disputeId, 'disputeClosed', { status: 'won' });
    expect(await handledSignals(disputeId, since, sent)).toEqual([]);
    expect((await http('GET', `/v1/disputes/${disputeId}`, { key: keys.agent })).body.status).toBe(disputeBefore);

    const refundCharge = stripe.addCharge({ amount: 9999, currency: 'usd' });
    const sub = stripe.addSubscription();
    const now = Date.now();
    const opened = await http('POST', '/v1/refunds', {
      key: keys.agent,
      headers: { 'idempotency-key': `forged-signals-${randomUUID()}` },
      body: {
        brand: 'uoozee',
        customerRef: 'cust_9',
        subscriptionId: sub.id,
        plan: { interval: 'year', priceMinor: 9999, currency: 'USD' },
        purchasedAt: new Date(now - 2 * 86_400_000).toISOString(),
        currentPeriod: { start: new Date(now - 2 * 86_400_000).toISOString(), end: new Date(now + 363 * 86_400_000).toISOString() },
        paymentReference: refundCharge.id,
        reason: 'cancellation',
      },
    });
    expect(opened.status).toBe(201);
    const refundId = opened.body.id as string;
    since = await lastEventId(refundId);
    sent = await forgeSignal(refundId, 'refundUpdated', { refundId: 're_forged', status: 'succeeded', failureReason: null });
    expect(await handledSignals(refundId, since, sent)).toEqual([]);
    expect((await http('GET', `/v1/refunds/${refundId}`, { key: keys.agent })).body).toMatchObject({ state: 'identity_pending' });
  });

  /** An alert group opened through the API's alert intake with one warning (below any incident rule). */
  async function openAlertGroup(): Promise<{ group: string; body: Record<string, unknown> }> {
    const body = { brand: 'uoozee', source: 'prometheus', kind: 'HTTP_5XX', service: `svc-${randomUUID().slice(0, 8)}`, region: 'eu-west-1', summary: 'one blip', severity: 'warning' };
    const res = await http('POST', '/v1/alerts', { key: keys.sre, body });
    expect(res.status).toBe(202);
    const group = res.body.alertGroup as string;
    await waitFor(async () => ((await alertGroup(group)).alertsTotal === 1 ? true : undefined), { what: 'the first alert counted' });
    return { group, body };
  }
  const alertGroup = (group: string) => service.workflow.getHandle(group).query(alertGroupQuery);

  it('alerts: forged alert and alertResolved change nothing; a bound alert sent again is counted once; the intake still counts', async () => {
    const { group, body } = await openAlertGroup();
    const since = await lastEventId(group);
    let sent = await forgeSignal(group, 'alert', alert({ service: 'forged', severity: 'critical' }), false);
    sent += await forgeSignal(group, 'alertResolved', { at: Date.now() }, false);
    expect(await handledSignals(group, since, sent)).toEqual([]);
    expect(await alertGroup(group)).toMatchObject({ alertsTotal: 1, incidentId: null });

    // The API's own alert, copied from history and sent again: bound and fresh, but already applied.
    const signaled = (await events(group)).find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    const copied = (signaled?.workflowExecutionSignaledEventAttributes?.input?.payloads ?? []) as Payload[];
    expect(copied).toHaveLength(1);
    const replayer = new Client({ connection: service.connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: { payloadCodecs: [new ReplayCodec(() => copied, payloadCodecsFor(config))] } });
    const replaySince = await lastEventId(group);
    await replayer.workflow.getHandle(group).signal('alert', {});
    expect(await handledSignals(group, replaySince, 1)).toEqual([]);
    expect((await alertGroup(group)).alertsTotal).toBe(1);

    // The control: a fresh alert through the intake is counted.
    expect((await http('POST', '/v1/alerts', { key: keys.sre, body })).status).toBe(202);
    await waitFor(async () => ((await alertGroup(group)).alertsTotal === 2 ? true : undefined), { what: 'the second alert counted' });
  });

  it('workflow signals: forged moreAlerts, alertsCleared, incidentEnded and incidentResolved change nothing; the worker-sent ones still work', async () => {
    // Five critical alerts through the intake: the group starts the incident (a child, bound by
    // the worker) and forwards the count (moreAlerts, bound by the worker).
    const service_ = `playback-${randomUUID().slice(0, 8)}`;
    let group = '';
    for (let i = 0; i < 5; i++) {
      const res = await http('POST', '/v1/alerts', {
        key: keys.sre,
        body: { brand: 'uoozee', source: 'prometheus', kind: 'HTTP_5XX', service: service_, region: 'eu-west-1', summary: 'playback-api 5xx above 2 %', severity: 'critical' },
      });
      expect(res.status).toBe(202);
      group = res.body.alertGroup as string;
    }
    const incidentId = await waitFor(async () => (await alertGroup(group)).incidentId ?? undefined, { what: 'the incident' });
    const incident = () => service.workflow.getHandle(incidentId).query(incidentStatusQuery);
    const opened = await waitFor(async () => {
      const view = await incident();
      return view.alertCount === 5 ? view : undefined;
    }, { what: 'five alerts on the incident' });

    // Alert groups and P1 incidents are never idle for long (windows, escalation timers): their
    // checks read the state, not the events.
    let since = await lastEventId(incidentId, { idle: false });
    let sent = await forgeSignal(incidentId, 'moreAlerts', { count: 100, lastAt: Date.now() });
    sent += await forgeSignal(incidentId, 'alertsCleared', { reason: 'forged' });
    await handledSignals(incidentId, since, sent);
    expect(await incident()).toMatchObject({ alertCount: 5, status: opened.status });

    since = await lastEventId(group, { idle: false });
    sent = await forgeSignal(group, 'incidentEnded', { incidentId });
    await handledSignals(group, since, sent);
    expect((await alertGroup(group)).incidentId).toBe(incidentId);

    // A ticket linked to the incident: only the incident's own incidentResolved resolves it.
    const ticket = await http('POST', '/v1/tickets', { key: keys.client, body: { brand: 'uoozee', channel: 'email', priority: 'P3', subject: 'Playback fails', description: 'Every title', customerRef: 'cust_4714' } });
    expect(ticket.status).toBe(201);
    const ticketId = ticket.body.id as string;
    expect((await http('POST', `/v1/incidents/${incidentId}/link-ticket`, { key: keys.agent, body: { ticketId } })).status).toBe(200);
    since = await lastEventId(ticketId);
    sent = await forgeSignal(ticketId, 'incidentResolved', { incidentId, summary: 'forged: all fine' });
    expect(await handledSignals(ticketId, since, sent)).toEqual([]);
    const unresolved = await http('GET', `/v1/tickets/${ticketId}`, { key: keys.agent });
    expect(unresolved.body.status).not.toBe('resolved');
    expect(JSON.stringify(unresolved.body)).not.toContain('forged: all fine');

    expect((await http('POST', `/v1/incidents/${incidentId}/resolve`, { key: keys.sre, body: { summary: 'cdn config rolled back' } })).status).toBe(200);
    // The incident's own incidentResolved (bound by the worker) resolves the linked ticket.
    await waitFor(async () => ((await http('GET', `/v1/tickets/${ticketId}`, { key: keys.agent })).body.status === 'resolved' ? true : undefined), {
      what: 'the ticket resolved with its incident',
    });
  });

  it('starts: a case started with made-up input (SDK, CLI) fails at once as UnverifiedActor and runs no activity', async () => {
    const forgedId = `dunning-in_forged_${randomUUID().slice(0, 8)}`;
    const input = { caseId: forgedId, invoiceId: 'in_forged', subscriptionId: null, customerId: 'cus_9', brand: 'uoozee', amountDueMinor: 1, currency: 'usd', failedAt: 1, hostedInvoiceUrl: null };
    await forger.workflow.start('dunningWorkflow', { workflowId: forgedId, taskQueue: config.TEMPORAL_TASK_QUEUE, args: [input] });
    const cliId = `ticket-forged-${randomUUID().slice(0, 8)}`;
    await run(cli, ['workflow', 'start', '--address', config.TEMPORAL_ADDRESS, '--namespace', config.TEMPORAL_NAMESPACE, '--type', 'ticketWorkflow', '--task-queue', config.TEMPORAL_TASK_QUEUE, '-w', cliId, '-i', JSON.stringify({ ticketId: cliId, brand: 'uoozee' })], { timeout: 30_000 });
    for (const id of [forgedId, cliId]) {
      const failure = await service.workflow.getHandle(id).result().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
      expect([cause.type, cause.nonRetryable, cause.message]).toEqual([UNVERIFIED_ACTOR_FAILURE, true, expect.stringMatching(/not started by the Caseworks service/)]);
      const types = (await events(id)).map((e) => e.eventType);
      expect(types).not.toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
      expect(types).toContain(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
      // Replay follows the recorded refusal, also under another workflow ID (replay tools).
      const history = await service.workflow.getHandle(id).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.CASEWORKS_TEST_WORKFLOW_BUNDLE! }, dataConverter: dataConverterFor(config) }, history, `${id}-replay`);
    }
  });

  it('schedules: runs of a schedule with unbound input fail; ensureSchedule re-binds it (worker identity) and its runs pass', async () => {
    const scheduleId = `forged-signals-purge-${randomUUID().slice(0, 8)}`;
    const options = retentionPurgeSchedule(config.TEMPORAL_TASK_QUEUE, scheduleId);
    // As a schedule made before starts were checked (or by hand in the UI): plain input.
    const unbound = await forger.schedule.create({ ...options, action: { ...options.action, args: [{}] } });
    const worker = new Client({ connection: service.connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: workerDataConverterFor(config) });
    /** Triggers a run once nothing runs, and returns the workflow ID of run number `n`. */
    const nthRun = (n: number) =>
      waitFor(
        async () => {
          const { info } = await unbound.describe();
          if (info.recentActions.length >= n) return info.recentActions[n - 1].action.workflow.workflowId;
          if (info.runningActions.length === 0) await unbound.trigger();
          return undefined;
        },
        { what: `scheduled run ${n}`, intervalMs: 500 },
      );
    try {
      const refused = await service.workflow.getHandle(await nthRun(1)).result().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(((refused as WorkflowFailedError).cause as ApplicationFailure).type).toBe(UNVERIFIED_ACTOR_FAILURE);

      expect(await ensureSchedule(worker, options)).toMatchObject({ created: false, rebound: true });
      const [input] = (await worker.schedule.getHandle(scheduleId).describe()).action.args as object[];
      expect(VERIFIED_CALLER in input).toBe(true);
      expect(await ensureSchedule(worker, options)).toMatchObject({ created: false, rebound: false });
      // The run's ID is the schedule's workflow ID plus the time: the schedule-scoped binding covers it.
      const runId = await nthRun(2);
      expect(runId.startsWith(`${options.action.workflowId}-`)).toBe(true);
      await expect(service.workflow.getHandle(runId).result()).resolves.toBeDefined();
    } finally {
      await unbound.delete();
    }
  });

  it('updates: the same bound update payload sent twice is refused the second time; a fresh one is accepted', async () => {
    const opened = await http('POST', '/v1/tickets', { key: keys.client, body: { brand: 'uoozee', channel: 'email', priority: 'P4', subject: 'Subtitles', description: 'Out of sync', customerRef: 'cust_4715' } });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    expect((await http('POST', `/v1/tickets/${id}/assign`, { key: keys.agent, body: { assignee: 'ann' } })).status).toBe(200);
    const accepted = (await events(id)).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
    const assign = accepted.map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input).find((i) => i?.name === 'assign');
    const copied = (assign?.args?.payloads ?? []) as Payload[];
    expect(copied).toHaveLength(1);
    const replayer = new Client({ connection: service.connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: { payloadCodecs: [new ReplayCodec(() => copied, payloadCodecsFor(config))] } });
    const err = await replayer.workflow
      .getHandle(id)
      .executeUpdate(assignUpdate, { args: [{} as never], updateId: `replayed-${randomUUID()}` })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect([cause.type, cause.message]).toEqual([UNVERIFIED_ACTOR_FAILURE, expect.stringMatching(/already applied/)]);
    const names = (await events(id))
      .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name);
    expect(names.filter((n) => n === 'assign')).toHaveLength(1);
    // The same action sent again through the API is a new one (a new nonce): accepted.
    const again = await http('POST', `/v1/tickets/${id}/assign`, { key: keys.agent, body: { assignee: 'bo' } });
    expect([again.status, again.body.assignee]).toEqual([200, 'bo']);
  });

  it('history size: measures what the bindings add to a typical ticket and incident (printed)', async () => {
    const ticket = await http('POST', '/v1/tickets', { key: keys.client, body: { brand: 'uoozee', channel: 'email', priority: 'P3', subject: 'Buffering', description: 'Every evening', customerRef: 'cust_4716' } });
    const ticketId = ticket.body.id as string;
    expect((await http('POST', `/v1/tickets/${ticketId}/assign`, { key: keys.agent, body: { assignee: 'ann' } })).status).toBe(200);
    expect((await http('POST', `/v1/tickets/${ticketId}/reply`, { key: keys.agent, body: { message: 'Looking into it.' } })).status).toBeLessThan(300);
    const open = await http('POST', '/v1/incidents', { key: keys.sre, body: { brand: 'uoozee', priority: 'P3', title: 'Buffering in the evening', services: ['cdn'] } });
    const incidentId = open.body.id as string;
    expect((await http('POST', `/v1/incidents/${incidentId}/link-ticket`, { key: keys.agent, body: { ticketId } })).status).toBe(200);
    expect((await http('POST', `/v1/incidents/${incidentId}/resolve`, { key: keys.sre, body: { summary: 'cache warmed' } })).status).toBe(200);
    await waitFor(async () => ((await http('GET', `/v1/tickets/${ticketId}`, { key: keys.agent })).body.status === 'resolved' ? true : undefined), { what: 'resolved ticket' });

    const measured: Record<string, unknown> = {};
    for (const [kind, id] of [
      ['ticket', ticketId],
      ['incident', incidentId],
    ]) {
      const size = await bindingBytes(service, config, id);
      measured[kind] = size;
      // The worker's bindings stay a small part of the history.
      expect(size.workerBindingBytes).toBeLessThan(size.historySizeBytes * 0.25);
    }
    console.log(`[forged-signals] history size ${JSON.stringify(measured)}`);
  });
});

/** A client that binds every payload to `caller`, as the API would for that principal. */
function signedAs(base: Client, config: AppConfig, caller: Caller): Client {
  return new Client({ connection: base.connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(config, { identity: () => caller }) });
}

/** Every Payload in a history message tree (objects with `data` bytes and a `metadata` map). */
function payloadsIn(node: unknown, out: Payload[] = []): Payload[] {
  if (typeof node !== 'object' || node === null || node instanceof Uint8Array) return out;
  const n = node as Record<string, unknown>;
  if (n.data instanceof Uint8Array && typeof n.metadata === 'object' && n.metadata !== null) {
    out.push(n as Payload);
    return out;
  }
  for (const value of Object.values(n)) payloadsIn(value, out);
  return out;
}

/**
 * The case's history size (server's count) and the bytes its bindings take inside the sealed
 * payloads: each binding's metadata entries, serialized, counted by who bound it. The sealing
 * codecs encrypt the serialized inner payload, so those bytes are what the history grows by.
 */
async function bindingBytes(client: Client, config: AppConfig, workflowId: string) {
  const handle = client.workflow.getHandle(workflowId);
  const historySizeBytes = Number((await handle.describe()).raw.workflowExecutionInfo?.historySizeBytes ?? 0);
  const history = await handle.fetchHistory();
  const serializedHistoryBytes = temporal.api.history.v1.History.encode(history).finish().length;
  const unsealing = [...payloadCodecsFor(config).slice(1)].reverse();
  const Encoded = temporal.api.common.v1.Payload;
  let workerBindingBytes = 0;
  let apiBindingBytes = 0;
  let workerBound = 0;
  let apiBound = 0;
  for (const sealed of payloadsIn(history)) {
    let [inner] = [sealed];
    for (const codec of unsealing) [inner] = await codec.decode([inner]);
    const binding = inner.metadata?.[ACTOR_BINDING_METADATA];
    if (!binding) continue;
    const stripped = { ...inner, metadata: { ...inner.metadata } };
    delete stripped.metadata[ACTOR_BINDING_METADATA];
    delete stripped.metadata[ACTOR_BINDING_MAC_METADATA];
    const bytes = Encoded.encode(inner).finish().length - Encoded.encode(stripped).finish().length;
    if ((JSON.parse(Buffer.from(binding).toString('utf8')) as { name: string }).name === 'system:worker') {
      workerBindingBytes += bytes;
      workerBound += 1;
    } else {
      apiBindingBytes += bytes;
      apiBound += 1;
    }
  }
  return { historySizeBytes, serializedHistoryBytes, events: history.events?.length ?? 0, workerBound, workerBindingBytes, apiBound, apiBindingBytes };
}
