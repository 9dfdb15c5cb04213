import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { requiredAgents, withShrinkage } from '../../src/domain/staffing/erlang-c';
import { useApiStack } from '../support/harness';
import { waitFor } from '../support/wait-for';

const MIN = 60_000;
const HALF_HOUR = 30 * MIN;
const DAY = 86_400_000;
const WEEK = 7 * DAY;

interface ChannelRow {
  channel: string;
  arrivals: number;
  agents: number;
  agentsWithShrinkage: number;
  serviceLevel: number;
}
interface IntervalRow {
  start: string;
  channels: ChannelRow[];
  otherArrivals: Record<string, number>;
  agents: number;
}

/**
 * GET /v1/forecast on the real stack: tickets opened over HTTP at known receivedAt instants land
 * in the forecast's intervals, and the agents shown are Erlang C's for those arrivals with the
 * pack's AHT, service level and shrinkage (000: "answer rate ≥80% within 60 seconds", "AHT of
 * 6–10 minutes", "shrinkage … of 25–35%").
 */
describe('GET /v1/forecast (staffing forecast)', () => {
  // The shipped packs: their staffing sections are what is under test (the fixtures have none).
  const stack = useApiStack({ RATE_LIMIT_PER_MINUTE: '10000', POLICY_DIR: join(__dirname, '../../policies') }, { label: 'forecast', keys: ['client', 'agent', 'admin'] });

  // receivedAt may lie up to 30 days back: a half-hour slot 3–9 days ago, picked at random so that
  // reruns and other specs' tickets rarely share it (and a baseline read first absorbs any that do).
  const slot = Math.floor((Date.now() - (3 + randomInt(7)) * DAY) / HALF_HOUR) * HALF_HOUR - randomInt(48) * HALF_HOUR;
  const iso = (ms: number) => new Date(ms).toISOString();

  const forecast = (query: Record<string, string | number>, key = stack.keys.admin) =>
    stack.http('GET', `/v1/forecast?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`, { key });

  const channel = (row: IntervalRow, name: string) => row.channels.find((c) => c.channel === name)!;

  async function open(channel: string, at: number): Promise<void> {
    const res = await stack.http('POST', '/v1/tickets', {
      key: stack.keys.client,
      body: { brand: 'uoozee', channel, priority: 'P3', subject: 'Buffering on the TV app', description: 'Since this morning.', customerRef: 'cust_forecast', receivedAt: iso(at) },
    });
    expect(res.status).toBe(201);
    await waitFor(async () => (await stack.ds.query(`SELECT 1 FROM tickets WHERE id = $1`, [res.body.id])).length === 1, { what: `ticket ${res.body.id} in the read model` });
  }

  it('counts arrivals per 30-minute interval by receivedAt (start inclusive) and staffs each channel by Erlang C with the pack', async () => {
    const range = { brand: 'uoozee', from: iso(slot), to: iso(slot + 2 * HALF_HOUR), interval: '30m' };
    const before = await forecast(range);
    expect(before.status).toBe(200);

    await open('phone', slot);
    await open('phone', slot + 10 * MIN);
    await open('phone', slot + HALF_HOUR - 1000);
    await open('phone', slot + HALF_HOUR); // on the boundary: the second interval's
    await open('chat', slot + 45 * MIN);
    await open('email', slot + 5 * MIN); // not staffed by Erlang C: counted apart
    await open('phone', slot + 2 * HALF_HOUR); // at `to`: outside

    const after = await forecast(range);
    expect(after.status).toBe(200);
    const [b0, b1] = before.body.intervals as IntervalRow[];
    const [a0, a1] = after.body.intervals as IntervalRow[];
    expect(after.body.intervals).toHaveLength(2);
    expect([a0.start, a1.start]).toEqual([iso(slot), iso(slot + HALF_HOUR)]);
    expect(channel(a0, 'phone').arrivals - channel(b0, 'phone').arrivals).toBe(3);
    expect(channel(a1, 'phone').arrivals - channel(b1, 'phone').arrivals).toBe(1);
    expect(channel(a0, 'chat').arrivals - channel(b0, 'chat').arrivals).toBe(0);
    expect(channel(a1, 'chat').arrivals - channel(b1, 'chat').arrivals).toBe(1);
    expect((a0.otherArrivals.email ?? 0) - (b0.otherArrivals.email ?? 0)).toBe(1);

    // The pack's inputs: phone 8 min AHT, 80 % in 60 s; chat 80 % in 2 min; 30 % shrinkage.
    expect(after.body.channels).toEqual(
      expect.arrayContaining([
        { channel: 'phone', ahtSeconds: 480, serviceLevel: { target: 0.8, withinSeconds: 60 } },
        { channel: 'chat', ahtSeconds: 480, serviceLevel: { target: 0.8, withinSeconds: 120 } },
      ]),
    );
    expect(after.body.shrinkage).toBe(0.3);
    for (const row of after.body.intervals as IntervalRow[]) {
      for (const c of row.channels) {
        const expected = requiredAgents({
          arrivals: c.arrivals,
          intervalSeconds: 1800,
          ahtSeconds: 480,
          serviceLevel: { target: 0.8, withinSeconds: c.channel === 'phone' ? 60 : 120 },
        });
        expect(c.agents).toBe(expected.agents);
        expect(c.agentsWithShrinkage).toBe(withShrinkage(expected.agents, 0.3));
      }
      expect(row.agents).toBe(row.channels.reduce((s, c) => s + c.agents, 0));
    }
    // Nobody else's tickets in the slot (the usual case): 3 phone calls in 30 min at 8 min each
    // are 0.8 Erlangs, which 2 agents answer 80.3 % within 60 s (1 agent: 53.5 %); 3 scheduled.
    if (channel(b0, 'phone').arrivals === 0) expect(channel(a0, 'phone')).toMatchObject({ arrivals: 3, agents: 2, agentsWithShrinkage: 3 });
  });

  it('forecasts from the same weekday and time in the weeks before (weeks=2: the mean of two weeks)', async () => {
    const target = slot + 4 * HALF_HOUR;
    const range = { brand: 'uoozee', from: iso(target), to: iso(target + HALF_HOUR), weeks: 2 };
    const before = await forecast(range);
    expect(before.status).toBe(200);
    await open('phone', target - WEEK + MIN);
    await open('phone', target - WEEK + 2 * MIN);
    await open('phone', target - 2 * WEEK + MIN);
    const after = await forecast(range);
    expect(after.body).toMatchObject({ basis: 'weekly-average', weeks: 2 });
    const delta = channel(after.body.intervals[0], 'phone').arrivals - channel(before.body.intervals[0], 'phone').arrivals;
    expect(delta).toBeCloseTo(1.5, 6);
  });

  it('reports the seeds\' ratio rules next to Erlang C: 000 "1 full-time agent per 3,000–7,000 MAU"; 001 "1 Level 1 agent per 500 low-touch users … 1:10 enterprise accounts"', async () => {
    const range = { from: iso(slot), to: iso(slot + HALF_HOUR) };
    const uoozee = await forecast({ ...range, brand: 'uoozee', mau: 200_000 });
    expect(uoozee.status).toBe(200);
    expect(uoozee.body.ratios).toEqual([expect.objectContaining({ role: 'agent', unit: 'mau', count: 200_000, people: { fewest: 29, most: 67 } })]);
    const vivtone = await forecast({ ...range, brand: 'vivtone', users: 1000, enterpriseAccounts: 25 });
    expect(vivtone.status).toBe(200);
    expect(vivtone.body.ratios).toEqual([
      expect.objectContaining({ role: 'level1', unit: 'users', people: { fewest: 2, most: 2 } }),
      expect.objectContaining({ role: 'csm', unit: 'enterpriseAccounts', people: { fewest: 3, most: 3 } }),
    ]);
    expect(vivtone.body.channels).toEqual(expect.arrayContaining([{ channel: 'phone', ahtSeconds: 300, serviceLevel: { target: 0.8, withinSeconds: 30 } }]));
  });

  it.each([
    ['an unknown brand', { brand: 'nope', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }, 'query:brand'],
    ['from not before to', { brand: 'uoozee', from: '2026-11-02T00:00:00Z', to: '2026-11-02T00:00:00Z' }, 'query:from'],
    ['a range over 31 days', { brand: 'uoozee', from: '2026-10-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }, 'query:to'],
    ['an interval that is not 15m/30m/60m/1h', { brand: 'uoozee', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z', interval: '45m' }, 'query:interval'],
    ['no from', { brand: 'uoozee', to: '2026-11-02T00:00:00Z' }, 'query:from'],
    ['a negative count', { brand: 'uoozee', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z', mau: '-5' }, 'query:mau'],
    ['too many weeks of history', { brand: 'uoozee', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z', weeks: 13 }, 'query:weeks'],
  ])('refuses %s with a 400 problem naming the field', async (_, query, field) => {
    const res = await forecast(query as Record<string, string>);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('is for operations (agents, SRE, admin): a client key is refused', async () => {
    const res = await forecast({ brand: 'uoozee', from: iso(slot), to: iso(slot + HALF_HOUR) }, stack.keys.client);
    expect(res.status).toBe(403);
    expect((await forecast({ brand: 'uoozee', from: iso(slot), to: iso(slot + HALF_HOUR) }, stack.keys.agent)).status).toBe(200);
  });
});
