import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PolicyRegistry } from '../../config/policy-registry';
import { requiredAgents, withShrinkage } from '../../domain/staffing/erlang-c';
import { arrivalsPerInterval, intervalsBetween, STAFFING_INTERVALS, StaffingIntervalName } from '../../domain/staffing/intervals';
import { intervalsPerLocalDate, localDate, localHistoryWindow, localLabel, startOfLocalDate, weeklyAverageArrivalsLocal } from '../../domain/staffing/local-intervals';
import type { PolicyPack } from '../../domain/policy/policy.schema';
import { applyRatio, RATIO_UNITS } from '../../domain/staffing/staffing-policy';
import { parseDuration } from '../../domain/sla/duration';
import { RECEIVED_AT_CLOCK_SKEW_MS, RECEIVED_AT_MAX_AGE_MS } from '../../domain/ticket-received-at';
import { FieldError, Problem } from '../problem/problem';
import type { ForecastQuery } from './forecast.dto';
import type { ForecastIntervalResponse, ForecastResponse } from './forecast.response';

const DAY = 86_400_000;
/** 31 days of 15-minute intervals is under 3,000 rows: a month's plan in one answer. */
export const MAX_FORECAST_DAYS = 31;

/**
 * Required agents per interval (Erlang C, src/domain/staffing/) from the tickets' arrival times in
 * the read model. An arrival is the ticket's receivedAt (when the customer wrote; the snapshot
 * keeps it in clear), else its opened_at for rows written before receivedAt existed.
 */
@Injectable()
export class ForecastService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyRegistry,
  ) {}

  async forecast(q: ForecastQuery): Promise<ForecastResponse> {
    const pack = this.policies.find(q.brand);
    const errors: FieldError[] = [];
    if (!pack) errors.push({ field: 'query:brand', message: `unknown brand; one of: ${this.policies.brands().join(', ')}` });
    const timeZone = q.timeZone ?? (pack ? forecastTimeZone(pack) : 'UTC');
    if (!isTimeZone(timeZone)) errors.push({ field: q.timeZone === undefined ? 'query:brand' : 'query:timeZone', message: `"${timeZone}" is not an IANA time zone` });
    // A date without a time is that day's local midnight in the forecast's zone (a roster's day).
    const instant = (v: string) => (DATE_ONLY.test(v) && isTimeZone(timeZone) ? startOfLocalDate(v, timeZone) : new Date(v).getTime());
    const from = instant(q.from);
    const to = instant(q.to);
    if (from >= to) errors.push({ field: 'query:from', message: 'must be before to' });
    else if (to - from > MAX_FORECAST_DAYS * DAY) errors.push({ field: 'query:to', message: `a forecast spans at most ${MAX_FORECAST_DAYS} days` });
    const staffing = pack?.staffing;
    if (pack && !staffing) errors.push({ field: 'query:brand', message: `the ${q.brand} policy pack has no staffing section` });
    if (errors.length > 0 || !pack || !staffing) throw Problem.validation(errors);

    const intervalName = (q.interval ?? '30m') as StaffingIntervalName;
    const step = STAFFING_INTERVALS[intervalName];
    const intervals = intervalsBetween(from, to, step);
    const weeks = q.weeks ?? null;
    const window = weeks === null ? { start: from, end: to } : localHistoryWindow(from, to, weeks);
    const arrivals = await this.arrivals(q.brand, window.start, window.end);

    const staffed = Object.entries(staffing.channels).map(([channel, c]) => ({
      channel,
      ahtSeconds: parseDuration(c.aht) / 1000,
      serviceLevel: { target: c.serviceLevel, withinSeconds: parseDuration(c.answerWithin) / 1000 },
    }));
    const countsFor = (instants: number[]) => (weeks === null ? arrivalsPerInterval(instants, intervals, step) : weeklyAverageArrivalsLocal(instants, intervals, weeks, timeZone));
    const perChannel = new Map<string, number[]>();
    for (const [channel, instants] of arrivals) perChannel.set(channel, countsFor(instants));

    const rows: ForecastIntervalResponse[] = intervals.map((interval, i) => {
      const channels = staffed.map((c) => {
        const n = perChannel.get(c.channel)?.[i] ?? 0;
        const r = requiredAgents({ arrivals: n, intervalSeconds: (interval.end - interval.start) / 1000, ahtSeconds: c.ahtSeconds, serviceLevel: c.serviceLevel });
        return {
          channel: c.channel,
          arrivals: round(n),
          trafficErlangs: round(r.trafficErlangs),
          agents: r.agents,
          agentsWithShrinkage: withShrinkage(r.agents, staffing.shrinkage),
          serviceLevel: round(r.serviceLevel),
          probabilityOfWaiting: round(r.probabilityOfWaiting),
          averageSpeedOfAnswerSeconds: round(r.averageSpeedOfAnswerSeconds),
          occupancy: round(r.occupancy),
        };
      });
      const otherArrivals = Object.fromEntries(
        [...perChannel].filter(([channel]) => !staffed.some((c) => c.channel === channel)).map(([channel, counts]) => [channel, round(counts[i])]),
      );
      const agents = channels.reduce((sum, c) => sum + c.agents, 0);
      return {
        start: new Date(interval.start).toISOString(),
        end: new Date(interval.end).toISOString(),
        localStart: localLabel(interval.start, timeZone),
        localEnd: localLabel(interval.end, timeZone),
        localDate: localDate(interval.start, timeZone),
        channels,
        agents,
        agentsWithShrinkage: channels.reduce((sum, c) => sum + c.agentsWithShrinkage, 0),
        otherArrivals,
      };
    });
    const peak = rows.reduce<ForecastIntervalResponse | null>((best, r) => (best === null || r.agentsWithShrinkage > best.agentsWithShrinkage ? r : best), null);
    const counts: Record<string, number | undefined> = { mau: q.mau, users: q.users, midMarketAccounts: q.midMarketAccounts, enterpriseAccounts: q.enterpriseAccounts };
    const ratios = staffing.ratios.filter((r) => counts[r.unit] !== undefined).map((r) => applyRatio(r, counts[r.unit] as number));

    return {
      brand: pack.brand,
      policyVersion: pack.version,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      interval: intervalName,
      basis: weeks === null ? 'actual' : 'weekly-average',
      weeks,
      shrinkage: staffing.shrinkage,
      timeZone,
      days: intervalsPerLocalDate(intervals, timeZone),
      channels: staffed,
      intervals: rows,
      peak: { start: peak?.start ?? null, agents: peak?.agents ?? 0, agentsWithShrinkage: peak?.agentsWithShrinkage ?? 0 },
      ratios,
      method: [
        'Erlang C (M/M/N): fewest agents whose service level 1 − C(N, A)·e^(−(N − A)·T/AHT) reaches the target; A = arrivals per second × AHT',
        "Arrivals: tickets' receivedAt per interval, by channel; AHT, service level and shrinkage from the brand's policy pack (staffing)",
        `Intervals are equal elapsed steps labelled in ${timeZone}: a fall-back day has 25 hours of them, a spring-forward day 23; the weekly profile reads the same local time of day in the weeks before`,
        `Ratios apply when the count is passed: ${RATIO_UNITS.join(', ')}`,
      ],
    };
  }

  /** Arrival instants (ms) per channel of the brand's tickets received in [start, end). */
  private async arrivals(brand: string, start: number, end: number): Promise<Map<string, number[]>> {
    // opened_at bounds receivedAt (at most the clock skew after it, at most the max age before it),
    // so the opened_at range keeps the scan on its index; the exact filter is on the arrival.
    const rows: { channel: string; at_ms: string }[] = await this.dataSource.query(
      `SELECT channel, (extract(epoch FROM a.at) * 1000)::bigint AS at_ms
         FROM tickets t
         CROSS JOIN LATERAL (SELECT coalesce((t.snapshot->>'receivedAt')::timestamptz, t.opened_at) AS at) a
        WHERE t.brand = $1 AND t.opened_at >= $2 AND t.opened_at < $3 AND a.at >= $4 AND a.at < $5`,
      [brand, new Date(start - RECEIVED_AT_CLOCK_SKEW_MS), new Date(end + RECEIVED_AT_MAX_AGE_MS), new Date(start), new Date(end)],
    );
    const out = new Map<string, number[]>();
    for (const r of rows) {
      const list = out.get(r.channel) ?? [];
      list.push(Number(r.at_ms));
      out.set(r.channel, list);
    }
    return out;
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The zone a brand's staffing is planned in: staffing.timeZone, else the business calendar's, else the first zoned calendar's. */
export function forecastTimeZone(pack: PolicyPack): string {
  if (pack.staffing?.timeZone) return pack.staffing.timeZone;
  const zoned = Object.entries(pack.calendars).flatMap(([name, c]) => (c !== '24x7' ? [{ name, timeZone: c.timeZone }] : []));
  return (zoned.find((c) => c.name === 'business') ?? zoned[0])?.timeZone ?? 'UTC';
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function round(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : x;
}
