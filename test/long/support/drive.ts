import type { Attempt, HotCase } from './hot-case';

export interface DriveResult {
  n: number;
  concurrency: number;
  wallMs: number;
  /** Latency of each action's answered attempt (ms), index = action. */
  latencies: number[];
  /** Marker of each action's 2xx attempt (null: the action never got a 2xx). */
  ok: (string | null)[];
  /** Attempts answered 429/5xx (retried with a fresh marker: they may or may not have been applied). */
  retried: Attempt[];
  /** Attempts refused with another status (409, 422, …): not retried, a failure of the run. */
  refused: Attempt[];
  /** HTTP status → attempts. */
  statuses: Record<number, number>;
}

/** Worth another try: throttled, or the server/Temporal busy or briefly unavailable. */
const retryable = (status: number) => status === 429 || status >= 500;

/**
 * Sends `n` actions to one case from `concurrency` clients at once. A 429/5xx answer is retried
 * (up to `maxAttempts`, each attempt with its own marker); anything else non-2xx is kept as refused.
 */
export async function driveActions(c: HotCase, n: number, concurrency: number, { maxAttempts = 5, log }: { maxAttempts?: number; log?: (line: string) => void } = {}): Promise<DriveResult> {
  const result: DriveResult = { n, concurrency, wallMs: 0, latencies: new Array(n).fill(NaN), ok: new Array(n).fill(null), retried: [], refused: [], statuses: {} };
  let next = 0;
  let done = 0;
  const started = performance.now();
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        const t = performance.now();
        const a = await c.act(i, attempt);
        result.latencies[i] = performance.now() - t;
        result.statuses[a.status] = (result.statuses[a.status] ?? 0) + 1;
        if (a.status >= 200 && a.status < 300) {
          result.ok[i] = a.marker;
          break;
        }
        if (!retryable(a.status)) {
          result.refused.push(a);
          break;
        }
        result.retried.push(a);
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
      done++;
      if (log && done % Math.max(1, Math.floor(n / 10)) === 0) log(`  ${c.kind}: ${done}/${n} actions (${Math.round((done / (performance.now() - started)) * 1000)}/s)`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  result.wallMs = performance.now() - started;
  return result;
}

export interface ReadModelVerdict {
  /** Rows of the action's type found for the case. */
  rows: number;
  /** 2xx actions with no event. */
  missing: string[];
  /** Actions (2xx or retried) with more than one event. */
  duplicated: string[];
  /** Events matching no attempt that was sent. */
  unknown: string[];
  /** Event keys seen twice (the table's unique index should make this impossible). */
  duplicateKeys: number;
  /** Rows sharing a seq (when the case numbers its changes). */
  duplicateSeqs: number;
  /** Whether the events carry the marker; without it only counts can be compared. */
  markersRecorded: boolean;
  /** Rows carrying the case's change number (seq); cases written before issue 20 leave it null. */
  withSeq: number;
  okCount: number;
  retriedCount: number;
}

/** Every 2xx action in the events table exactly once; a retried (maybe applied) attempt at most once. */
export async function readModelVerdict(c: HotCase, drive: DriveResult): Promise<ReadModelVerdict> {
  const rows = await c.recorded();
  const okMarkers = drive.ok.filter((m): m is string => m !== null);
  const retried = new Set(drive.retried.map((a) => a.marker));
  const count = new Map<string, number>();
  for (const r of rows) if (r.marker !== null) count.set(r.marker, (count.get(r.marker) ?? 0) + 1);
  const markersRecorded = rows.length > 0 && rows.every((r) => r.marker !== null);
  const dupes = (values: (string | null)[]) => values.length - new Set(values).size;
  const seqs = rows.map((r) => r.seq).filter((s): s is string => s !== null);
  const verdict: ReadModelVerdict = {
    rows: rows.length,
    missing: [],
    duplicated: [],
    unknown: [],
    duplicateKeys: dupes(rows.map((r) => r.eventKey)),
    duplicateSeqs: dupes(seqs),
    markersRecorded,
    withSeq: seqs.length,
    okCount: okMarkers.length,
    retriedCount: retried.size,
  };
  if (markersRecorded) {
    const ok = new Set(okMarkers);
    for (const m of okMarkers) if ((count.get(m) ?? 0) === 0) verdict.missing.push(m);
    for (const [m, k] of count) {
      if (k > 1) verdict.duplicated.push(m);
      if (!ok.has(m) && !retried.has(m)) verdict.unknown.push(m);
    }
  } else if (rows.length < okMarkers.length) {
    // Counts only: fewer events than 2xx answers means some are missing (which ones cannot be said).
    verdict.missing.push(`${okMarkers.length - rows.length} of ${okMarkers.length} (by count)`);
  } else if (rows.length > okMarkers.length + retried.size) {
    verdict.duplicated.push(`${rows.length - okMarkers.length - retried.size} more events than attempts (by count)`);
  }
  return verdict;
}

/** Whether the verdict says exactly once. */
export const exactlyOnce = (v: ReadModelVerdict) => v.missing.length === 0 && v.duplicated.length === 0 && v.unknown.length === 0 && v.duplicateKeys === 0 && v.duplicateSeqs === 0;

/** Waits (while the count keeps rising) for the read model to hold every 2xx action; queued records land after a run hands over. */
export async function settleReadModel(c: HotCase, drive: DriveResult, { stallMs = 30_000 } = {}): Promise<ReadModelVerdict> {
  let last = -1;
  let lastProgress = Date.now();
  for (;;) {
    const v = await readModelVerdict(c, drive);
    if (v.missing.length === 0) return v;
    if (v.rows > last) {
      last = v.rows;
      lastProgress = Date.now();
    }
    if (Date.now() - lastProgress > stallMs) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
}
