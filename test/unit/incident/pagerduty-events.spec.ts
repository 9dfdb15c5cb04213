import { inspect } from 'node:util';
import {
  Page,
  pageDedupKey,
  PagerDutyEventsAdapter,
  pagerDutySeverity,
  PagingRejectedError,
  PagingUnavailableError,
} from '../../../src/integrations/paging/pagerduty-events';
import { PagerDutyFake, startPagerDutyFake } from '../../fakes/pagerduty-events';

describe('PagerDuty mapping helpers', () => {
  it('maps priorities to severities', () => {
    expect(['P1', 'S1', 'P2', 'S2', 'P3', 'P4', 'S3', 'whatever'].map(pagerDutySeverity)).toEqual(['critical', 'critical', 'error', 'error', 'warning', 'info', 'info', 'info']);
  });

  it('derives one dedup key per incident and escalation step', () => {
    expect(pageDedupKey('inc-2025-000123', 0)).toBe('inc-2025-000123:page:0');
    expect(pageDedupKey('inc-2025-000123', 3)).toBe('inc-2025-000123:page:3');
  });
});

describe('PagerDutyEventsAdapter against the Events API v2 fake', () => {
  let fake: PagerDutyFake;
  let pager: PagerDutyEventsAdapter;
  const page = (over: Partial<Page> = {}): Page => ({
    dedupKey: pageDedupKey('inc-42', 0),
    summary: 'P1: playback 5xx on edge lhr-3',
    source: 'caseworks',
    priority: 'P1',
    component: 'playback-api',
    group: 'eu-west',
    class: 'http_5xx',
    details: { incidentId: 'inc-42' },
    clientUrl: 'https://caseworks.example/incidents/inc-42',
    ...over,
  });

  beforeEach(async () => {
    fake = await startPagerDutyFake();
    pager = new PagerDutyEventsAdapter({ baseUrl: `${fake.url}/`, routingKey: fake.routingKey, timeoutMs: 5_000 });
  });
  afterEach(() => fake.close());

  it('the fake hands out a routing key of the right shape', () => {
    expect(fake.routingKey).toHaveLength(32);
  });

  it('triggers: 202 returns the dedup key and the fake holds one triggered alert', async () => {
    await expect(pager.trigger(page())).resolves.toEqual({ status: 'success', dedupKey: 'inc-42:page:0', message: 'Event processed' });
    expect(fake.received).toHaveLength(1);
    expect(fake.received[0]).toEqual({
      status: 202,
      body: {
        routing_key: fake.routingKey,
        event_action: 'trigger',
        dedup_key: 'inc-42:page:0',
        payload: {
          summary: 'P1: playback 5xx on edge lhr-3',
          source: 'caseworks',
          severity: 'critical',
          component: 'playback-api',
          group: 'eu-west',
          class: 'http_5xx',
          custom_details: { incidentId: 'inc-42' },
        },
        client: 'Caseworks',
        client_url: 'https://caseworks.example/incidents/inc-42',
      },
    });
    expect(fake.incidents().get('inc-42:page:0')).toMatchObject({ state: 'triggered', severity: 'critical', eventCount: 1, openings: 1 });
  });

  it('the same dedup key twice (a retried activity) opens one alert at PagerDuty', async () => {
    await pager.trigger(page());
    await pager.trigger(page({ summary: 'retry' }));
    expect(fake.received.map((r) => r.status)).toEqual([202, 202]);
    expect(fake.incidents().size).toBe(1);
    expect(fake.incidents().get('inc-42:page:0')).toMatchObject({ eventCount: 2, openings: 1, summary: 'P1: playback 5xx on edge lhr-3' });
  });

  it('acknowledge then resolve move the alert through its states', async () => {
    const { dedupKey } = await pager.trigger(page());
    await expect(pager.acknowledge(dedupKey)).resolves.toMatchObject({ status: 'success', dedupKey });
    expect(fake.incidents().get(dedupKey)?.state).toBe('acknowledged');
    await expect(pager.resolve(dedupKey)).resolves.toMatchObject({ status: 'success', dedupKey });
    expect(fake.incidents().get(dedupKey)?.state).toBe('resolved');
    expect(fake.received.map((r) => r.body?.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
  });

  it('a 400 is permanent: nonRetryable, with PagerDuty’s reasons', async () => {
    const bad = new PagerDutyEventsAdapter({ baseUrl: fake.url, routingKey: 'too-short' });
    const err = await bad.trigger(page()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PagingRejectedError);
    expect((err as PagingRejectedError).nonRetryable).toBe(true);
    expect((err as PagingRejectedError).status).toBe(400);
    expect((err as PagingRejectedError).message).toBe("PagerDuty trigger answered 400: Event object is invalid; Length of 'routing_key' is incorrect (should be 32 characters)");
    expect((err as Error).message).not.toContain('too-short');
    expect(fake.incidents().size).toBe(0);
  });

  it.each([500, 503, 429])('a %i is retryable, and a retry with the same dedup key succeeds', async (status) => {
    fake.failNext(1, status);
    const err = await pager.trigger(page()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PagingUnavailableError);
    expect(err).not.toBeInstanceOf(PagingRejectedError);
    expect((err as { nonRetryable?: boolean }).nonRetryable).toBeUndefined();
    expect((err as PagingUnavailableError).status).toBe(status);
    await expect(pager.trigger(page())).resolves.toMatchObject({ dedupKey: 'inc-42:page:0' });
    expect(fake.received.map((r) => r.status)).toEqual([status, 202]);
    expect(fake.incidents().size).toBe(1);
  });

  it('an unreachable PagerDuty is retryable', async () => {
    await fake.close();
    const err = await pager.acknowledge('inc-42:page:0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PagingUnavailableError);
    expect((err as PagingUnavailableError).status).toBeNull();
    fake = await startPagerDutyFake(); // afterEach closes it
  });

  it('keeps the routing key out of inspection and errors', () => {
    expect(inspect(pager, { depth: 5 })).not.toContain(fake.routingKey);
    expect(JSON.stringify(pager)).not.toContain(fake.routingKey);
  });

  it('trims an over-long summary rather than have PagerDuty refuse the page', async () => {
    await pager.trigger(page({ summary: 'x'.repeat(5_000) }));
    const payload = fake.received[0].body?.payload as { summary: string };
    expect(payload.summary).toHaveLength(1024);
    expect(fake.received[0].status).toBe(202);
  });
});

describe('the fake, like PagerDuty, validates events', () => {
  let fake: PagerDutyFake;
  beforeEach(async () => {
    fake = await startPagerDutyFake();
  });
  afterEach(() => fake.close());

  const post = (body: unknown) =>
    fetch(`${fake.url}/v2/enqueue`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));

  it('answers 400 invalid event listing every problem', async () => {
    const res = await post({ routing_key: fake.routingKey, event_action: 'trigger', payload: { summary: 'x', severity: 'fatal' } });
    expect(res).toEqual({
      status: 400,
      json: {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: ["'payload.source' is missing or blank", "'payload.severity' is invalid (must be one of critical, error, warning, info)"],
      },
    });
    expect((await post({ routing_key: fake.routingKey, event_action: 'snooze' })).status).toBe(400);
    expect((await post({ routing_key: fake.routingKey, event_action: 'resolve' })).status).toBe(400);
  });

  it('generates a dedup key when none is given; a trigger after resolve opens a new alert', async () => {
    const first = await post({ routing_key: fake.routingKey, event_action: 'trigger', payload: { summary: 's', source: 'src', severity: 'info' } });
    expect(first.status).toBe(202);
    expect(typeof first.json.dedup_key).toBe('string');
    await post({ routing_key: fake.routingKey, event_action: 'resolve', dedup_key: 'k' }); // unknown key: dropped
    await post({ routing_key: fake.routingKey, event_action: 'trigger', dedup_key: 'k', payload: { summary: 's', source: 'src', severity: 'info' } });
    await post({ routing_key: fake.routingKey, event_action: 'resolve', dedup_key: 'k' });
    await post({ routing_key: fake.routingKey, event_action: 'trigger', dedup_key: 'k', payload: { summary: 's2', source: 'src', severity: 'info' } });
    expect(fake.incidents().get('k')).toMatchObject({ state: 'triggered', openings: 2, eventCount: 1, summary: 's2' });
    expect(fake.incidents().size).toBe(2);
    expect(fake.received).toHaveLength(5);
  });
});
