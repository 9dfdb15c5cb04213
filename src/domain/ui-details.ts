/**
 * What a case shows in the Temporal UI's "current details" pane: markdown an SRE or a reviewer can
 * read at a glance — the state, what happens next and by when, every clock with its deadline and
 * at-risk time in the case's own zone and in UTC (to the second: milliseconds only add noise), and
 * the last few actions. Pure (Intl and explicit instants only), so workflows build it and tests
 * check it without a server.
 */

export interface DetailsClock {
  /** What the clock is for, in words: "first response", "decision (DSA, 24h)". */
  name: string;
  /** The target as a duration ("4h business"), when the clock has one. */
  target?: string;
  dueAt: number | null;
  atRiskAt?: number | null;
  state: string;
}

export interface DetailsAction {
  at: number;
  actor: string;
  /** The action in words (a record's type, "note", "assigned"…); never free text from a customer. */
  what: string;
}

export interface CaseDetails {
  /** One line: the state in bold, then the case's facts. */
  headline: string;
  /** The next thing the case waits for (its next timer), or null when only a person can move it. */
  next: { what: string; at: number } | null;
  /** The zone the case's clocks are kept in (its coverage calendar's); UTC shows UTC only. */
  timeZone: string;
  clocks: DetailsClock[];
  /** Further markdown blocks (a table of pages, the items), each already formatted. */
  sections?: string[];
  recent: readonly DetailsAction[];
}

/** How many actions the details list: enough to see what just happened, bounded like the rest. */
export const RECENT_ACTIONS = 5;

/** `2026-12-10 14:26:16 UTC`: to the second, no milliseconds. */
export function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** `Thu 10 Dec, 09:26 EST (2026-12-10 14:26:16 UTC)` (en-US names the zone: EST, not GMT-5): local wall time in the case's zone first, then UTC. */
export function zonedTime(ms: number, timeZone: string): string {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return utcTime(ms);
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day} ${parts.month}, ${parts.hour}:${parts.minute} ${parts.timeZoneName} (${utcTime(ms)})`;
}

/** A target or window in the largest whole unit: 7d, 4h, 90m, 30s. */
export function formatDuration(ms: number): string {
  if (ms > 0 && ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/** Keeps the last RECENT_ACTIONS actions: `list` plus `action`, oldest first. */
export function withRecent(list: readonly DetailsAction[], action: DetailsAction): DetailsAction[] {
  return [...list, action].slice(-RECENT_ACTIONS);
}

/** A cell of a markdown table: pipes and line breaks would break the row. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

export function caseDetailsMarkdown(d: CaseDetails): string {
  const when = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '—' : zonedTime(ms, d.timeZone));
  const lines = [d.headline, '', d.next ? `**Next:** ${cell(d.next.what)} — ${when(d.next.at)}` : '**Next:** nothing timed; waiting for a person'];
  if (d.clocks.length) {
    lines.push(
      '',
      '| clock | target | deadline | at risk from | state |',
      '|---|---|---|---|---|',
      ...d.clocks.map((c) => `| ${cell(c.name)} | ${c.target ?? '—'} | ${when(c.dueAt)} | ${when(c.atRiskAt)} | ${cell(c.state)} |`),
    );
  }
  for (const section of d.sections ?? []) lines.push('', section);
  if (d.recent.length) {
    lines.push('', '**Recent actions**', ...[...d.recent].reverse().map((a) => `- ${when(a.at)} · ${cell(a.what)} · ${cell(a.actor)}`));
  }
  return lines.join('\n');
}
