import { join } from 'node:path';
import { useApiStack } from '../support/harness';
import { waitFor } from '../support/wait-for';

/**
 * Issue 19 over HTTP with the shipped packs: a VIVtone S1 incident opened for an enterprise
 * customer shows its 24×7 response deadline and its Level 2 / Level 3 engagements (§1), and the
 * forecast labels and groups intervals by Chicago local time across DST (§3).
 */
describe('VIVtone S1 incidents 24×7 with timed engagements, and the forecast across DST', () => {
  const stack = useApiStack({ RATE_LIMIT_PER_MINUTE: '10000', POLICY_DIR: join(__dirname, '../../policies') }, { label: 's1-dst', keys: ['sre', 'admin'] });
  const HOUR = 3_600_000;

  it('POST /v1/incidents {enterprise: true}: response due 30 min after opening, Level 2 and Level 3 due 4 h after, in the view', async () => {
    const created = await stack.http('POST', '/v1/incidents', {
      key: stack.keys.sre,
      body: { brand: 'vivtone', priority: 'S1', title: 'Sync API returns 503', services: ['sync-api'], enterprise: true },
    });
    expect(created.status).toBe(201);
    const got = await stack.http('GET', `/v1/incidents/${created.body.id}`, { key: stack.keys.sre });
    expect(got.status).toBe(200);
    const openedAt = Date.parse(got.body.openedAt);
    // "Severity 1 — initial response ≤30 minutes", around the clock: elapsed, whatever the hour.
    expect(Date.parse(got.body.sla.firstResponse.deadlineAt) - openedAt).toBe(30 * 60_000);
    expect(got.body.enterprise).toBe(true);
    // "escalation to Level 2 within 4 hours for severity 1 incidents"; "reaching Level 3 engineering within 4 hours".
    expect(got.body.engagements.map((e: { level: number; state: string; dueAt: string; dedupKey: string }) => [e.level, e.state, Date.parse(e.dueAt) - openedAt, e.dedupKey])).toEqual([
      [2, 'scheduled', 4 * HOUR, `${created.body.id}:engage:L2`],
      [3, 'scheduled', 4 * HOUR, `${created.body.id}:engage:L3`],
    ]);
    const ack = await stack.http('POST', `/v1/incidents/${created.body.id}/acknowledge`, { key: stack.keys.sre });
    expect(ack.status).toBe(200);
    expect(ack.body.engagements.map((e: { state: string }) => e.state)).toEqual(['scheduled', 'scheduled']);
  });

  it('without enterprise, Level 2 only; a non-boolean enterprise is a 400 naming the field', async () => {
    const created = await stack.http('POST', '/v1/incidents', { key: stack.keys.sre, body: { brand: 'vivtone', priority: 'S1', title: 'Login slow', services: ['auth'] } });
    expect(created.status).toBe(201);
    expect([created.body.enterprise, created.body.engagements.map((e: { level: number }) => e.level)]).toEqual([false, [2]]);
    const bad = await stack.http('POST', '/v1/incidents', { key: stack.keys.sre, body: { brand: 'vivtone', priority: 'S1', title: 'x', services: ['auth'], enterprise: 'yes' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('enterprise');
  });

  it('POST /v1/incidents/{id}/enterprise: Level 3 joins the plan; a second mark is a 409; no reason is a 400 naming it', async () => {
    const created = await stack.http('POST', '/v1/incidents', { key: stack.keys.sre, body: { brand: 'vivtone', priority: 'S1', title: 'Exports failing', services: ['exports'] } });
    expect(created.status).toBe(201);
    const path = `/v1/incidents/${created.body.id}/enterprise`;
    const noReason = await stack.http('POST', path, { key: stack.keys.sre, body: {} });
    expect([noReason.status, noReason.body.errors.every((e: { field: string }) => e.field === 'reason')]).toEqual([400, true]);
    const marked = await stack.http('POST', path, { key: stack.keys.sre, body: { reason: 'Acme Corp (enterprise) cannot export' } });
    expect(marked.status).toBe(200);
    expect([marked.body.enterprise, marked.body.engagements.map((e: { level: number }) => e.level)]).toEqual([true, [2, 3]]);
    const again = await stack.http('POST', path, { key: stack.keys.sre, body: { reason: 'again' } });
    expect(again.status).toBe(409);
    // Recorded in the incident's history (the read model is written right after the update answers).
    await waitFor(async () => JSON.stringify((await stack.http('GET', `/v1/incidents/${created.body.id}/events`, { key: stack.keys.sre })).body).includes('"enterprise_marked"'), { what: 'the enterprise_marked event' });
  });

  const forecast = (query: Record<string, string>) => stack.http('GET', `/v1/forecast?${new URLSearchParams(query).toString()}`, { key: stack.keys.admin });

  it('GET /v1/forecast over the fall-back day 2026-11-01: 48 / 50 / 48 half-hours, labelled in Chicago time', async () => {
    const res = await forecast({ brand: 'vivtone', from: '2026-10-31', to: '2026-11-03' });
    expect(res.status).toBe(200);
    expect(res.body.timeZone).toBe('America/Chicago');
    expect(res.body.from).toBe('2026-10-31T05:00:00.000Z'); // local midnight, CDT
    expect(res.body.days).toEqual([
      { date: '2026-10-31', intervals: 48 },
      { date: '2026-11-01', intervals: 50 },
      { date: '2026-11-02', intervals: 48 },
    ]);
    const labels: string[] = res.body.intervals.map((i: { localStart: string }) => i.localStart);
    expect(labels.filter((l) => l.startsWith('2026-11-01T01:'))).toEqual(['2026-11-01T01:00:00-05:00', '2026-11-01T01:30:00-05:00', '2026-11-01T01:00:00-06:00', '2026-11-01T01:30:00-06:00']);
  });

  it('GET /v1/forecast over the spring-forward day 2027-03-14: 46 half-hours, no 02:00; a bad zone is a 400 naming it', async () => {
    const res = await forecast({ brand: 'vivtone', from: '2027-03-13', to: '2027-03-16' });
    expect(res.status).toBe(200);
    expect(res.body.days.map((d: { intervals: number }) => d.intervals)).toEqual([48, 46, 48]);
    expect(res.body.intervals.some((i: { localStart: string }) => i.localStart.startsWith('2027-03-14T02:'))).toBe(false);
    const bad = await forecast({ brand: 'vivtone', from: '2027-03-13', to: '2027-03-16', timeZone: 'Mars/Olympus' });
    expect([bad.status, bad.body.errors[0].field]).toEqual([400, 'query:timeZone']);
  });
});
