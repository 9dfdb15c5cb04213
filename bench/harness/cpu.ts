import { readdirSync, readFileSync } from 'node:fs';
import type { Stack } from './stack';
import { round } from './stats';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux/x86_64). */
const TICKS_PER_SECOND = 100;

/** Which processes a phase's CPU is charged to: a name and how to recognise its processes. */
export type CpuGroups = Record<string, (pid: number, cmdline: string) => boolean>;

/** CPU time (user + system, ms) used so far by each process of a group, by pid; the bench itself by process.cpuUsage(). */
export type CpuSnapshot = Record<string, Map<number, number>>;

export function cpuSnapshot(groups: CpuGroups): CpuSnapshot {
  const used: CpuSnapshot = Object.fromEntries(Object.keys(groups).map((g) => [g, new Map<number, number>()]));
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    let cmdline: string;
    let stat: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const group = Object.keys(groups).find((g) => groups[g](pid, cmdline));
    if (!group) continue;
    const { userMs, systemMs } = parseCpuMs(stat);
    used[group].set(pid, userMs + systemMs);
  }
  const own = process.cpuUsage();
  used.bench = new Map([[process.pid, (own.user + own.system) / 1000]]);
  return used;
}

/** CPU time one process has used so far, in user space and in the kernel (ms). */
export function processCpuMs(pid: number): { userMs: number; systemMs: number } {
  return parseCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

function parseCpuMs(stat: string): { userMs: number; systemMs: number } {
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime is the 14th field, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { userMs: (Number(fields[11]) * 1000) / TICKS_PER_SECOND, systemMs: (Number(fields[12]) * 1000) / TICKS_PER_SECOND };
}

/**
 * What a phase cost in CPU: per item, each group's CPU ms and, over the phase's wall time, how
 * many of the machine's cores were busy in all. A phase that keeps every core busy is bounded by
 * CPU, and its throughput by the CPU one item costs. Only processes alive at the phase's end are
 * counted (PostgreSQL's backends come and go).
 */
export function cpuPerItem(before: CpuSnapshot, after: CpuSnapshot, items: number, wallMs: number): { perItemMs: Record<string, number>; totalPerItemMs: number; coresBusy: number } {
  const perItemMs: Record<string, number> = {};
  let total = 0;
  for (const group of Object.keys(after)) {
    // Per process: one that exited during the phase (a pool's idle connection) takes its CPU
    // with it, so the figure is a floor; one that started counts from zero.
    let ms = 0;
    for (const [pid, used] of after[group]) ms += used - (before[group]?.get(pid) ?? 0);
    perItemMs[group] = round(ms / items, 2);
    total += ms;
  }
  return { perItemMs, totalPerItemMs: round(total / items, 2), coresBusy: round(total / wallMs, 2) };
}

/** PostgreSQL's processes: the postmaster and its backends (which rename themselves `postgres: …`). */
export const isPostgresProcess = (_pid: number, cmdline: string): boolean => cmdline.startsWith('postgres') || cmdline.includes('/bin/postgres ');

/** A stack's processes by role (its Temporal server is whatever runs from .tools/bin); everything else on the machine is left out. */
export function cpuGroups(stack: Stack): CpuGroups {
  return {
    api: (pid) => pid === stack.api?.child.pid,
    worker: (pid) => pid === stack.worker.child.pid,
    temporal: (_pid, cmdline) => cmdline.includes('/.tools/bin/'),
    postgres: isPostgresProcess,
  };
}

/** "api 3.1, worker 2.2, …" for a headline. */
export function cpuParts(perItemMs: Record<string, number>): string {
  return Object.entries(perItemMs)
    .map(([group, ms]) => `${group} ${ms}`)
    .join(', ');
}

/**
 * What a throughput goal leaves the API process, when both phases are bound by CPU (every core
 * busy), so that a phase's rate is the inverse of its CPU per item: the API path reaches `goal`×
 * the bare path's rate at `bare.totalPerItemMs / goal` ms per item, and the API process gets what
 * the rest of the path leaves of that. Two estimates of the rest bound it:
 *  - `asMeasured`: the rest as this phase measured it. Too high: a slower phase takes in more
 *    of the worker's backlog (both paths start workflows faster than the worker runs them), and
 *    that work would fall outside a faster one;
 *  - `workerAndTemporalAsBare`: the worker's and Temporal's share as in the bare phase (the API
 *    path's own PostgreSQL and load generator kept). Too low where the API path does add work
 *    to them.
 * Each with `ratioWithoutApi`, the ratio were the API process free.
 */
export function apiCpuBudget(apiPath: CpuPerItem, bare: CpuPerItem, goal: number): ApiCpuBudget {
  const apiMs = apiPath.perItemMs.api ?? 0;
  const allowed = bare.totalPerItemMs / goal;
  const estimate = (rest: number) => ({ apiBudgetMs: round(allowed - rest, 2), ratioWithoutApi: round(bare.totalPerItemMs / rest, 2) });
  const restAsMeasured = apiPath.totalPerItemMs - apiMs;
  const sharedExtra = (['worker', 'temporal'] as const).reduce((sum, g) => sum + (apiPath.perItemMs[g] ?? 0) - (bare.perItemMs[g] ?? 0), 0);
  return { goal, apiMs, asMeasured: estimate(restAsMeasured), workerAndTemporalAsBare: estimate(restAsMeasured - sharedExtra) };
}

export type CpuPerItem = ReturnType<typeof cpuPerItem>;

export interface ApiCpuBudget {
  goal: number;
  /** What the API process used per item. */
  apiMs: number;
  asMeasured: { apiBudgetMs: number; ratioWithoutApi: number };
  workerAndTemporalAsBare: { apiBudgetMs: number; ratioWithoutApi: number };
}

/** The budget in a headline's words. */
export function apiCpuBudgetText(budget: ApiCpuBudget, unit: string): string {
  const { asMeasured: m, workerAndTemporalAsBare: b } = budget;
  return `${budget.goal}× leaves the API process ${m.apiBudgetMs} to ${b.apiBudgetMs} ms of CPU per ${unit} (it used ${budget.apiMs}); with the API process free the ratio would be ${m.ratioWithoutApi} to ${b.ratioWithoutApi}`;
}
