import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NotifyWebhookFake, startNotifyWebhookFake } from '../fakes/notify-webhook';
import { testConfig, useApiStack } from '../support/harness';
import { waitFor } from '../support/wait-for';
import { CASE_ID_ATTRIBUTE, OUTSIDE_SYSTEM_ATTRIBUTE } from '../../src/observability/tracing/span-attributes';
import { startTracing, Tracing } from '../../src/observability/tracing/tracing';

/**
 * One ticket opened over HTTP is one trace: the API's request span, the Temporal client's
 * start, the workflow's run and updates (from the workflow sandbox, through the sink),
 * each activity it schedules and runs, and the webhook call an activity makes — each span the
 * child of the one that caused it. API and worker run in this process, exporting to memory.
 */
describe('tracing a ticket from the API request to the outside call', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let notify: NotifyWebhookFake;
  beforeAll(async () => {
    // Before the stack: the API's client and the worker pick up the registered tracer, and the
    // outside-call spans name the webhook by its configured URL.
    notify = await startNotifyWebhookFake();
    tracing = startTracing({ ...testConfig(), NOTIFY_WEBHOOK_URL: notify.url }, 'api', { exporter });
  });
  const stack = useApiStack(() => ({ NOTIFY_WEBHOOK_URL: notify.url }), { label: 'tracing', fakes: { notify: async () => notify }, keys: ['client', 'agent'] });
  afterAll(() => tracing.shutdown());

  const customer = { name: 'Jane Doe', email: 'jane.doe@example.com', text: 'the TV app stops after ten minutes' };

  it('links API request, client call, workflow, activities and the webhook call in one trace, naming the case but not the customer', async () => {
    const opened = await stack.http('POST', '/v1/tickets', {
      key: stack.keys.client,
      body: { brand: 'uoozee', channel: 'email', priority: 'P1', subject: `${customer.name} cannot play`, description: `${customer.email} writes: ${customer.text}`, customerRef: 'cust_4711' },
    });
    expect(opened.status).toBe(201);
    const caseId = opened.body.id as string;
    // P1 windows are seconds in the test policy: an at-risk notification goes to the webhook.
    await waitFor(() => notify.accepted.length > 0, { timeoutMs: 30_000, what: 'the at-risk notification' });
    // The run's span ends with the run: resolve and close the ticket, then wait for the workflow.
    expect((await stack.http('POST', `/v1/tickets/${caseId}/resolve`, { key: stack.keys.agent, body: { resolution: 'Cleared the device registration' } })).status).toBe(200);
    expect((await stack.http('POST', `/v1/tickets/${caseId}/close`, { key: stack.keys.agent })).status).toBe(200);
    await stack.client.workflow.getHandle(caseId).result();

    const request = await waitFor(() => exporter.getFinishedSpans().find((s) => s.name === 'POST /v1/tickets'), { what: 'the request span' });
    const trace = request.spanContext().traceId;
    const run = await waitFor(() => inTrace(trace).find((s) => s.name === 'RunWorkflow:ticketWorkflow'), { what: 'the run span' });
    const spans = inTrace(trace);
    const only = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found.map((s) => s.name)).toEqual([name]);
      return found[0];
    };

    // The API: a server span named by the route pattern, the root of the trace.
    expect(request.kind).toBe(SpanKind.SERVER);
    expect(request.parentSpanId).toBeUndefined();
    expect(request.attributes).toMatchObject({ 'http.route': '/v1/tickets', 'http.response.status_code': 201, [CASE_ID_ATTRIBUTE]: caseId });
    // The Temporal client's start, inside the request (the 201 is computed from its input: no intake update).
    const start = only('StartWorkflow:ticketWorkflow');
    expect(start.parentSpanId).toBe(request.spanContext().spanId);
    expect(start.attributes[CASE_ID_ATTRIBUTE]).toBe(caseId);
    // The workflow's run, parented by the client call through the headers.
    expect(run.parentSpanId).toBe(start.spanContext().spanId);
    expect(run.attributes[CASE_ID_ATTRIBUTE]).toBe(caseId);
    expect(spans.filter((s) => s.name === 'HandleUpdate:intake')).toEqual([]);
    // Each activity: scheduled by the workflow (a span in the run or in an update), run by the worker as its child.
    const scheduled = spans.filter((s) => s.name.startsWith('StartActivity:'));
    expect(scheduled.length).toBeGreaterThanOrEqual(2);
    const workflowSpans = new Set(spans.filter((s) => /^(RunWorkflow|HandleUpdate):/.test(s.name)).map((s) => s.spanContext().spanId));
    for (const s of scheduled) expect(workflowSpans.has(s.parentSpanId!)).toBe(true);
    const runs = spans.filter((s) => s.name.startsWith('RunActivity:'));
    expect(runs.map((s) => s.name).sort()).toEqual(scheduled.map((s) => s.name.replace('StartActivity:', 'RunActivity:')).sort());
    for (const r of runs) {
      const parent = scheduled.find((s) => s.spanContext().spanId === r.parentSpanId);
      expect(parent?.name.replace('StartActivity:', 'RunActivity:')).toBe(r.name);
      expect(r.attributes[CASE_ID_ATTRIBUTE]).toBe(caseId);
    }
    // The webhook call: a client span inside the activity that made it, naming the system, not the URL.
    const calls = spans.filter((s) => s.attributes[OUTSIDE_SYSTEM_ATTRIBUTE] === 'notify-webhook');
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const call of calls) {
      expect(call.kind).toBe(SpanKind.CLIENT);
      expect(call.name).toBe('POST notify-webhook');
      expect(call.attributes['http.response.status_code']).toBe(202);
      expect(runs.find((r) => r.spanContext().spanId === call.parentSpanId)?.name).toBe('RunActivity:sendNotification');
    }

    // Nothing the customer wrote, on any span of any trace (attributes, events, resource).
    const everything = JSON.stringify(exporter.getFinishedSpans().map((s) => [s.name, s.attributes, s.events, s.resource.attributes]));
    for (const secret of [customer.name, customer.email, customer.text, 'cust_4711', stack.keys.client, stack.keys.agent]) expect(everything).not.toContain(secret);
  });

  function inTrace(traceId: string): ReadableSpan[] {
    return exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  }
});

/**
 * Not part of the suite: what tracing costs a ticket's intake, run once per mode (README numbers).
 *   CASEWORKS_MEASURE_TRACING=off npx jest test/workflows/tracing.spec.ts -t 'tracing cost'
 *   CASEWORKS_MEASURE_TRACING=on  npx jest test/workflows/tracing.spec.ts -t 'tracing cost'
 */
const measuring = process.env.CASEWORKS_MEASURE_TRACING;
(measuring ? describe : describe.skip)(`tracing cost, tracing ${measuring}`, () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing | undefined;
  beforeAll(() => {
    if (measuring === 'on') tracing = startTracing(testConfig(), 'api', { exporter });
  });
  const stack = useApiStack({}, { label: 'tracing-cost', keys: ['client'] });
  afterAll(() => tracing?.shutdown());

  it('opens 200 tickets, 8 at a time, after 20 to warm up', async () => {
    const open = async () => {
      const started = performance.now();
      const res = await stack.http('POST', '/v1/tickets', {
        key: stack.keys.client,
        body: { brand: 'uoozee', channel: 'email', priority: 'P4', subject: 'Playback stops', description: 'The TV app stops', customerRef: 'cust_1' },
      });
      expect(res.status).toBe(201);
      return performance.now() - started;
    };
    const run = async (count: number) => {
      const latencies: number[] = [];
      let next = 0;
      await Promise.all(Array.from({ length: 8 }, async () => {
        while (next++ < count) latencies.push(await open());
      }));
      return latencies.sort((a, b) => a - b);
    };
    await run(20);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const latencies = await run(200);
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
    process.stdout.write(
      `tracing ${measuring}: 200 tickets in ${wall.toFixed(0)} ms (${((200 / wall) * 1000).toFixed(1)}/s), latency p50 ${at(0.5)} ms p95 ${at(0.95)} ms, ` +
        `process CPU ${((used.user + used.system) / 1000).toFixed(0)} ms, spans ${exporter.getFinishedSpans().length}\n`,
    );
  }, 300_000);
});
