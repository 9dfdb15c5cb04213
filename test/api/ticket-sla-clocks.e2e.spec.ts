import { resolve } from 'node:path';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { pinTicketPolicy, ticketTargetClock } from '../../src/domain/policy/ticket-policy';
import { addBusinessTime, localDateOf, localInstant } from '../../src/domain/sla/calendar';
import { createKey, testConfig, uniqueTaskQueue, useHttpStack } from '../support/harness';
import { httpClient } from '../support/http';
import { waitFor } from '../support/wait-for';

/**
 * Issue 19 §1 over HTTP on the shipped VIVtone pack: the 201 shows each clock's kind and the
 * deadlines the same domain functions give (the answer is the workflow's first state).
 * Instants are chosen relative to today only where the API demands it (receivedAt within 30 days);
 * each expectation is computed from the pack, never from the weekday the suite runs on.
 */
describe('ticket SLA clocks over HTTP (shipped VIVtone pack)', () => {
  const shipped = resolve(__dirname, '..', '..', 'policies');
  const stack = useHttpStack(testConfig({ POLICY_DIR: shipped, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('sla-clocks') }));
  const pack = PolicyRegistry.fromDirectory(shipped).find('vivtone')!;
  const zone = 'America/Chicago';
  const DAY = 86_400_000;

  /** The latest local `dow` (0 = Sunday) at `hour`:00 in Austin, at least a week before now. */
  const weekBack = (dow: number, hour: number): number => {
    const start = localDateOf(zone, Date.now() - 7 * DAY);
    for (let back = 0; ; back++) {
      const day = new Date(Date.UTC(start.y, start.m - 1, start.d - back));
      if (day.getUTCDay() === dow) return localInstant(zone, day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), hour * 3_600_000);
    }
  };

  const open = async (body: Record<string, unknown>) => {
    const key = await createKey(stack.ds, 'client', `sla-clocks-${Math.random()}`);
    const res = await httpClient(stack.api.baseUrl)('POST', '/v1/tickets', {
      key,
      body: { brand: 'vivtone', subject: 'Export fails', description: 'CSV export', customerRef: 'acct_77', ...body },
    });
    expect(res.status).toBe(201);
    return res.body;
  };

  it('001 "Severity 3 — initial response ≤8 business hours, resolution target ≤72 hours": a Friday S3 is resolved 72 elapsed hours later', async () => {
    const friday = weekBack(5, 15); // a Friday 15:00 in Austin, 7–13 days ago
    const ticket = await open({ plan: 'basic', channel: 'email', priority: 'S3', receivedAt: new Date(friday).toISOString() });
    const s3 = pinTicketPolicy(pack, 'email', 'basic').priorities.S3;
    expect(ticket.sla.resolution).toMatchObject({ clock: 'calendar', targetSeconds: 72 * 3600, deadlineAt: new Date(friday + 72 * 3_600_000).toISOString() });
    expect(ticket.sla.firstResponse).toMatchObject({ clock: 'business', deadlineAt: new Date(addBusinessTime(s3.calendar, friday, s3.targets.firstResponse!)).toISOString() });
  });

  it('001 "24×5 phone for standard customers": a Pro phone ticket received on a Saturday is due at Monday 00:00:30, not Monday 09:00:30', async () => {
    const saturday = weekBack(6, 10);
    const ticket = await open({ plan: 'pro', channel: 'phone', priority: 'S2', receivedAt: new Date(saturday).toISOString() });
    const local = localDateOf(zone, saturday);
    const mondayMidnight = localInstant(zone, local.y, local.m, local.d + 2, 0);
    expect(ticket.sla.firstResponse).toMatchObject({ clock: 'business', targetSeconds: 30, deadlineAt: new Date(mondayMidnight + 30_000).toISOString() });
  });

  it('001 "sub-2-minute wait for live chat": a Pro chat carries a queue-wait clock beside its 5-minute first response', async () => {
    const ticket = await open({ plan: 'pro', channel: 'chat', priority: 'S3' });
    const s3 = pinTicketPolicy(pack, 'chat', 'pro').priorities.S3;
    expect(ticketTargetClock(s3, 'queueWait')).toBe('business');
    const received = Date.parse(ticket.receivedAt);
    expect(ticket.sla.queueWait).toMatchObject({ metric: 'queueWait', targetSeconds: 120, deadlineAt: new Date(addBusinessTime(s3.calendar, received, 120_000)).toISOString() });
    expect(ticket.sla.firstResponse).toMatchObject({ targetSeconds: 300 });
  });

  it('issue 15 §3: GET computes the clocks when it is read, not as of the last workflow task', async () => {
    // The S3 resolution counts elapsed time: two reads two seconds apart differ by two seconds whatever the weekday.
    const ticket = await open({ plan: 'basic', channel: 'email', priority: 'S3' });
    const key = await createKey(stack.ds, 'agent', `sla-clocks-read-${Math.random()}`);
    const read = async () => {
      const res = await httpClient(stack.api.baseUrl)('GET', `/v1/tickets/${ticket.id}`, { key });
      expect(res.status).toBe(200);
      return { at: Date.now(), resolution: res.body.sla.resolution as { elapsedSeconds: number; remainingSeconds: number } };
    };
    const first = await read();
    // Nothing happens to the ticket in between: no workflow task, so only the read time moves the clock.
    await waitFor(() => Date.now() >= first.at + 2_500, { what: 'two and a half seconds of wall time' });
    const second = await read();
    expect(second.resolution.elapsedSeconds - first.resolution.elapsedSeconds).toBeGreaterThanOrEqual(2);
    expect(first.resolution.remainingSeconds - second.resolution.remainingSeconds).toBeGreaterThanOrEqual(2);
    expect(Math.abs(second.resolution.elapsedSeconds + second.resolution.remainingSeconds - 72 * 3600)).toBeLessThanOrEqual(1);
  });
});
