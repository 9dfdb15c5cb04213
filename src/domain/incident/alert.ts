import { z } from 'zod';
import { isDuration, parseDuration } from '../sla/duration';

/**
 * Alert intake: what monitoring tells us, how repeated signals are counted, and when they become
 * an incident. Pure; the alert workflow runs these rules, so nothing here reads the clock.
 */

/** The error signatures the streaming brand pages on; any other kind is a custom signal. */
export const KNOWN_ALERT_KINDS = ['http_5xx', 'cdn_edge_failure', 'drm_license_failure'] as const;
export type KnownAlertKind = (typeof KNOWN_ALERT_KINDS)[number];
// `string & {}` keeps editor completion for the known kinds while accepting custom ones.
export type AlertKind = KnownAlertKind | (string & {});

export const ALERT_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export interface AlertSignal {
  source: string;
  kind: AlertKind;
  service: string;
  region: string | null;
  edge: string | null;
  /** How many occurrences this one signal stands for (a monitor may batch them); >= 1. */
  count: number;
  /** Epoch ms, as stated by the sender. */
  occurredAt: number;
  summary: string;
  severity: AlertSeverity;
  dedupKey: string | null;
  details: Record<string, unknown>;
}

export class AlertFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'AlertFieldError';
  }
}

// ── PagerDuty Events API v2 bodies ─────────────────────────────────────────────────────────────

export const PAGERDUTY_EVENT_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
export type PagerDutyEventAction = (typeof PAGERDUTY_EVENT_ACTIONS)[number];

// Not strict: senders add images, links and other fields we have no use for.
const pagerDutyPayloadSchema = z.object({
  summary: z.string().trim().min(1).max(1024),
  source: z.string().trim().min(1).max(255),
  severity: z.enum(ALERT_SEVERITIES),
  timestamp: z.string().datetime({ offset: true }).optional(),
  component: z.string().trim().min(1).max(255).optional(),
  group: z.string().trim().min(1).max(255).optional(),
  class: z.string().trim().min(1).max(255).optional(),
  custom_details: z.unknown().optional(),
});

const pagerDutyEventSchema = z
  .object({
    routing_key: z.string().min(1),
    event_action: z.enum(PAGERDUTY_EVENT_ACTIONS),
    dedup_key: z.string().min(1).max(255).optional(),
    // Parsed below once we know the action: only a trigger needs one.
    payload: z.unknown().optional(),
  })
  .superRefine((body, ctx) => {
    if (body.event_action !== 'trigger' && body.dedup_key === undefined) {
      ctx.addIssue({ code: 'custom', path: ['dedup_key'], message: `required to ${body.event_action} an alert` });
    }
  });

/** A trigger carries the signal; acknowledge and resolve only name the alert by its dedup key. */
export type PagerDutyIntake =
  | { action: 'trigger'; dedupKey: string | null; signal: AlertSignal }
  | { action: 'acknowledge' | 'resolve'; dedupKey: string; signal: null };

/**
 * Maps an inbound Events API v2 body. `receivedAt` stands in for a missing payload.timestamp.
 * The routing key is checked for presence but not returned: it is a credential.
 */
export function fromPagerDutyEvent(body: unknown, receivedAt: number): PagerDutyIntake {
  const event = parseOrThrow(pagerDutyEventSchema, body, []);
  if (event.event_action !== 'trigger') {
    return { action: event.event_action, dedupKey: event.dedup_key as string, signal: null };
  }
  if (event.payload === undefined) throw new AlertFieldError('payload', 'required to trigger an alert');
  const p = parseOrThrow(pagerDutyPayloadSchema, event.payload, ['payload']);
  const details = asDetails(p.custom_details);
  const occurredAt = p.timestamp ? Date.parse(p.timestamp) : receivedAt;
  if (Number.isNaN(occurredAt)) throw new AlertFieldError('payload.timestamp', 'not a real date and time');
  return {
    action: 'trigger',
    dedupKey: event.dedup_key ?? null,
    signal: {
      source: p.source,
      kind: p.class ? normalizeAlertKind(p.class) : 'unclassified',
      service: p.component ?? p.source,
      region: p.group ?? null,
      edge: typeof details.edge === 'string' && details.edge.trim() !== '' ? details.edge.trim() : null,
      count: positiveInteger(details.count) ?? 1,
      occurredAt,
      summary: p.summary,
      severity: p.severity,
      dedupKey: event.dedup_key ?? null,
      details,
    },
  };
}

/** "CDN Edge-Failure" and "cdn_edge_failure" are the same rule. */
export function normalizeAlertKind(kind: string): string {
  return kind.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function parseOrThrow<T extends z.ZodTypeAny>(schema: T, input: unknown, prefix: (string | number)[]): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data as z.output<T>;
  const issue = parsed.error.issues[0];
  const field = [...prefix, ...issue.path].join('.') || '(body)';
  throw new AlertFieldError(field, issue.message);
}

function asDetails(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  // PagerDuty accepts any JSON here; keep a plain string or list rather than dropping it.
  return { custom_details: value };
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : undefined;
}

// ── Fingerprint ────────────────────────────────────────────────────────────────────────────────

const FINGERPRINT_MAX = 200;

/**
 * Names "the same problem" so repeats land on one incident workflow. Readable for people in the
 * Temporal UI, and safe inside a workflow ID: lower-case [a-z0-9-_.:], at most 200 chars. The
 * readable part loses information (case, unsafe characters, truncation), so a 64-bit FNV-1a hash
 * of the exact raw parts is appended: two different problems never share a fingerprint just
 * because they look alike once cleaned.
 */
export function alertFingerprint(signal: Pick<AlertSignal, 'kind' | 'service' | 'region' | 'edge' | 'dedupKey'>): string {
  // A key Caseworks handed out (a trigger sent without dedup_key is answered with its fingerprint)
  // names that alert group again: resolve and later triggers with it must reach the same group.
  if (signal.dedupKey !== null && isContentFingerprint(signal.dedupKey)) return signal.dedupKey;
  // A sender's dedup key is its own statement of identity (PagerDuty semantics): trust it.
  const raw: (string | null)[] = signal.dedupKey !== null ? ['dedup', signal.dedupKey] : [signal.kind, signal.service, signal.region, signal.edge];
  const hash = fnv1a64(JSON.stringify(raw)); // JSON keeps null apart from "-" and ["a:b"] apart from ["a","b"]
  const budget = FINGERPRINT_MAX - hash.length - 1;
  const perPart = signal.dedupKey !== null ? budget - 'dedup:'.length - 1 : Math.floor((budget - (raw.length - 1)) / raw.length);
  const readable = raw.map((part) => safePart(part, perPart)).join(':');
  return `${readable.slice(0, budget)}:${hash}`;
}

// The same budget alertFingerprint gives each of the four content parts (45 characters).
const CONTENT_PART_MAX = Math.floor((FINGERPRINT_MAX - 16 - 1 - 3) / 4);
const PART = `[a-z0-9\\-_.]{1,${CONTENT_PART_MAX}}`;
/** kind:service:region:edge:hash — the shape of a fingerprint made from an alert's content (4 parts of at most 45). */
const CONTENT_FINGERPRINT = new RegExp(`^${PART}:${PART}:${PART}:${PART}:[0-9a-f]{16}$`);

/**
 * True for a fingerprint alertFingerprint made from an alert's content, the dedup_key returned
 * to a PagerDuty trigger sent without one. Keys of that exact shape are taken as that group's
 * name; any other sender key is fingerprinted as `dedup:<key>`.
 */
export function isContentFingerprint(key: string): boolean {
  return CONTENT_FINGERPRINT.test(key);
}

function safePart(part: string | null, max: number): string {
  if (part === null) return '-';
  const cleaned = part
    .toLowerCase()
    .replace(/[^a-z0-9\-_.]+/g, '_') // ':' included: it separates the parts
    .slice(0, max);
  return cleaned === '' ? '_' : cleaned;
}

const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;

/** FNV-1a over the UTF-8 bytes, 16 hex digits. Pure TS: no crypto in workflow code. */
export function fnv1a64(text: string): string {
  let hash = FNV64_OFFSET;
  for (const byte of utf8(text)) {
    hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * FNV64_PRIME);
  }
  return hash.toString(16).padStart(16, '0');
}

function* utf8(text: string): Generator<number> {
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x80) yield cp;
    else if (cp < 0x800) yield* [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
    else if (cp < 0x10000) yield* [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
    else yield* [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  }
}

// ── Threshold rules ────────────────────────────────────────────────────────────────────────────

const duration = z.string().refine(isDuration, 'must be a duration like 30s, 15m, 4h');

const ruleFields = {
  /** Opening an incident needs this many occurrences… */
  minCount: z.number().int().min(1),
  /** …inside this sliding window. */
  within: duration,
  priority: z.string().regex(/^[A-Z0-9]+$/, 'a priority like P1'),
  /** An open alert with no new signal for this long counts as cleared. */
  autoResolveAfter: duration,
};

export interface AlertRule {
  /** '*' for the default rule. */
  kind: string;
  minCount: number;
  withinMs: number;
  priority: string;
  autoResolveAfterMs: number;
}

const toRule = (kind: string, r: { minCount: number; within: string; priority: string; autoResolveAfter: string }): AlertRule => ({
  kind,
  minCount: r.minCount,
  withinMs: parseDuration(r.within),
  priority: r.priority,
  autoResolveAfterMs: parseDuration(r.autoResolveAfter),
});

/** Rules as written in a brand's policy file; the output carries milliseconds. */
export const alertRulesSchema = z
  .object({
    rules: z.array(z.object({ kind: z.string().trim().min(1), ...ruleFields }).strict()),
    /** Applies to every kind without its own rule, custom kinds included. */
    default: z.object(ruleFields).strict(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    for (const [i, rule] of cfg.rules.entries()) {
      const kind = normalizeAlertKind(rule.kind);
      if (seen.has(kind)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'kind'], message: `a rule for "${kind}" is already defined` });
      seen.add(kind);
    }
  })
  .transform((cfg) => ({
    rules: cfg.rules.map((r) => toRule(normalizeAlertKind(r.kind), r)),
    default: toRule('*', cfg.default),
  }));

export type AlertRulesInput = z.input<typeof alertRulesSchema>;
export type AlertRules = z.output<typeof alertRulesSchema>;

export function ruleFor(rules: AlertRules, kind: string): AlertRule {
  const normalized = normalizeAlertKind(kind);
  return rules.rules.find((r) => r.kind === normalized) ?? rules.default;
}

/**
 * The priority to open, or null while every count is below its threshold (keep counting, no
 * incident yet). When several kinds cross at once, the most urgent priority wins.
 */
export function classifyAlerts(rules: AlertRules, windowCounts: ReadonlyArray<{ kind: string; count: number }>): string | null {
  let chosen: string | null = null;
  for (const { kind, count } of windowCounts) {
    const rule = ruleFor(rules, kind);
    if (count >= rule.minCount && (chosen === null || compareUrgency(rule.priority, chosen) < 0)) chosen = rule.priority;
  }
  return chosen;
}

/** P1 before P2, S1 before S3: the lower the number, the more urgent. Negative when a is more urgent. */
export function compareUrgency(a: string, b: string): number {
  const rank = (p: string) => {
    const m = /(\d+)$/.exec(p);
    return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

// ── Sliding window ─────────────────────────────────────────────────────────────────────────────

/**
 * Each fingerprint's window is split into this many buckets, so memory per fingerprint is fixed
 * however many alerts arrive. The price is resolution: a count is exact to within one bucket
 * (within/12), erring towards counting (an alert up to one bucket older than `within` may count).
 */
export const WINDOW_BUCKETS = 12;
/** Fingerprints kept at most; the least recently seen are dropped first. */
export const WINDOW_MAX_FINGERPRINTS = 500;

export interface AlertSeries {
  kind: string;
  withinMs: number;
  bucketMs: number;
  /** [bucket index (occurredAt / bucketMs), occurrences], oldest first. */
  buckets: Array<[number, number]>;
  lastSeenAt: number;
}

/** Plain JSON, so it can live in workflow state and survive continue-as-new. */
export interface AlertWindow {
  /** The latest occurredAt seen: the window's clock. Late signals never move it back. */
  now: number;
  series: Record<string, AlertSeries>;
}

export const emptyAlertWindow = (): AlertWindow => ({ now: 0, series: {} });

export interface RecordedAlert {
  window: AlertWindow;
  fingerprint: string;
  /** Occurrences of this fingerprint inside the rule's window, this signal included. */
  count: number;
  /** True only for the signal that takes the count from below minCount to minCount or above. */
  crossed: boolean;
  thresholdMet: boolean;
}

/**
 * Counts `signal` towards its fingerprint. A signal older than the window (late delivery) is not
 * counted and does not move the clock back.
 */
export function recordAlert(window: AlertWindow, signal: AlertSignal, rule: AlertRule): RecordedAlert {
  const fingerprint = alertFingerprint(signal);
  const now = Math.max(window.now, signal.occurredAt);
  const bucketMs = Math.max(1, Math.ceil(rule.withinMs / WINDOW_BUCKETS));
  const existing = Object.hasOwn(window.series, fingerprint) ? window.series[fingerprint] : undefined;
  // A changed rule (new bucket size) restarts the count rather than mixing two resolutions.
  const kept = existing && existing.bucketMs === bucketMs ? live(existing.buckets, bucketMs, now) : [];
  const before = total(kept);

  const index = Math.floor(signal.occurredAt / bucketMs);
  const late = !inWindow(index, bucketMs, now);
  const buckets = late ? kept : addTo(kept, index, signal.count);
  const count = total(buckets);
  const series: AlertSeries = { kind: signal.kind, withinMs: rule.withinMs, bucketMs, buckets, lastSeenAt: Math.max(existing?.lastSeenAt ?? 0, signal.occurredAt) };

  return {
    window: { now, series: prune({ ...window.series, [fingerprint]: series }, now) },
    fingerprint,
    count,
    crossed: before < rule.minCount && count >= rule.minCount,
    thresholdMet: count >= rule.minCount,
  };
}

/** Per-fingerprint counts as of `at`, ready for classifyAlerts; fingerprints gone quiet are left out. */
export function windowCounts(window: AlertWindow, at: number): Array<{ fingerprint: string; kind: string; count: number }> {
  const now = Math.max(window.now, at);
  return Object.entries(window.series)
    .map(([fingerprint, s]) => ({ fingerprint, kind: s.kind, count: total(live(s.buckets, s.bucketMs, now)) }))
    .filter((c) => c.count > 0);
}

// A bucket counts while any part of it lies inside (now - within, now]; WINDOW_BUCKETS + 1 at most.
function inWindow(index: number, bucketMs: number, now: number): boolean {
  const nowIndex = Math.floor(now / bucketMs);
  return index > nowIndex - WINDOW_BUCKETS - 1 && index <= nowIndex;
}

function live(buckets: Array<[number, number]>, bucketMs: number, now: number): Array<[number, number]> {
  return buckets.filter(([index]) => inWindow(index, bucketMs, now));
}

function addTo(buckets: Array<[number, number]>, index: number, n: number): Array<[number, number]> {
  const out = buckets.map(([i, c]): [number, number] => [i, i === index ? c + n : c]);
  if (!out.some(([i]) => i === index)) out.push([index, n]);
  return out.sort((a, b) => a[0] - b[0]);
}

function total(buckets: Array<[number, number]>): number {
  return buckets.reduce((sum, [, c]) => sum + c, 0);
}

function prune(series: Record<string, AlertSeries>, now: number): Record<string, AlertSeries> {
  const alive = Object.entries(series)
    .map(([fp, s]): [string, AlertSeries] => [fp, { ...s, buckets: live(s.buckets, s.bucketMs, now) }])
    .filter(([, s]) => s.buckets.length > 0)
    .sort((a, b) => b[1].lastSeenAt - a[1].lastSeenAt || a[0].localeCompare(b[0]))
    .slice(0, WINDOW_MAX_FINGERPRINTS);
  return Object.fromEntries(alive);
}
