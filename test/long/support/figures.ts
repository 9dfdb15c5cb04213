import type { DriveResult } from './drive';
import type { Chain } from './history-chain';

export interface HotFigures {
  kind: string;
  actions: number;
  concurrency: number;
  perSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  runs: number;
  /** All runs of the chain: history events and encoded bytes, in all and per action. */
  total: { events: number; bytes: number; eventsPerAction: number; bytesPerAction: number };
  /** The latest run alone (what the server's per-run limits apply to). */
  current: { events: number; bytes: number; updates: number; end: string };
  /**
   * History per accepted update in the last run that handed over (or the only run): what one
   * action costs by the end — flat when a case's records are bounded, rising with the case when not.
   */
  perUpdateLate: { events: number; bytes: number };
  /** Largest run of the chain. */
  largestRun: { events: number; bytes: number; updates: number };
  statuses: Record<number, number>;
}

function percentile(values: number[], p: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export function hotFigures(kind: string, drive: DriveResult, chain: Chain): HotFigures {
  const n = drive.n;
  return {
    kind,
    actions: n,
    concurrency: drive.concurrency,
    perSecond: r1((n / drive.wallMs) * 1000),
    latencyMs: { p50: r1(percentile(drive.latencies, 50)), p99: r1(percentile(drive.latencies, 99)), max: r1(percentile(drive.latencies, 100)) },
    runs: chain.runs.length,
    total: { events: chain.totalEvents, bytes: chain.totalBytes, eventsPerAction: r1(chain.totalEvents / n), bytesPerAction: Math.round(chain.totalBytes / n) },
    current: { events: chain.current.events, bytes: chain.current.bytes, updates: chain.current.updates, end: chain.current.end },
    perUpdateLate: lateCost(chain),
    largestRun: {
      events: Math.max(...chain.runs.map((r) => r.events)),
      bytes: Math.max(...chain.runs.map((r) => r.bytes)),
      updates: Math.max(...chain.runs.map((r) => r.updates)),
    },
    statuses: drive.statuses,
  };
}

function lateCost(chain: Chain): HotFigures['perUpdateLate'] {
  const full = chain.runs.filter((r) => r.end === 'CONTINUED_AS_NEW');
  const run = full.length ? full[full.length - 1] : chain.runs[0];
  return { events: r1(run.events / Math.max(1, run.updates)), bytes: Math.round(run.bytes / Math.max(1, run.updates)) };
}

const kib = (b: number) => `${r1(b / 1024)} KiB`;

/** A markdown table, one row per kind, as the bench and the long suite print it. */
export function figuresTable(rows: HotFigures[]): string {
  return [
    '| kind | actions | clients | actions/s | p50 ms | p99 ms | runs | events/action | bytes/action | late run: events, bytes per update | current run: events, size, updates | largest run: events, size, updates | HTTP statuses |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (f) =>
        `| ${f.kind} | ${f.actions} | ${f.concurrency} | ${f.perSecond} | ${f.latencyMs.p50} | ${f.latencyMs.p99} | ${f.runs} | ${f.total.eventsPerAction} | ${f.total.bytesPerAction} | ${f.perUpdateLate.events}, ${f.perUpdateLate.bytes} | ` +
        `${f.current.events}, ${kib(f.current.bytes)}, ${f.current.updates} (${f.current.end}) | ${f.largestRun.events}, ${kib(f.largestRun.bytes)}, ${f.largestRun.updates} | ` +
        `${Object.entries(f.statuses)
          .map(([s, k]) => `${s}×${k}`)
          .join(' ')} |`,
    ),
  ].join('\n');
}
