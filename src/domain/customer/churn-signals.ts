import { z } from 'zod';
import { PLAN_INTERVALS } from '../billing/refund';
import { isDuration, parseDuration } from '../sla/duration';

/**
 * Churn and expansion signals for Customer Success (issue 16 §5; 001: "correlating churn signals
 * (e.g., repeat tickets + low CSAT) so CSMs can proactively intervene"). A pack names rules; each
 * rule's conditions must all hold for one customer within its window, and then the account's CSM
 * gets one CRM task with the evidence, once per rule and window. Pure: the activity gathers the
 * facts from the read model, these functions judge them.
 */

const duration = z.string().refine(isDuration, 'must be a duration like 30d, 12h');
const count = z.number().int().min(1).max(1000);

const signalRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case slug'),
    /** What the CSM reads as the task's subject. */
    label: z.string().min(1).max(120),
    /** How far back the evidence reaches, and how often the same rule may raise a task for one customer. */
    within: duration,
    /** Tickets whose SLA was breached, at least this many. */
    slaBreaches: count.optional(),
    /** Tickets opened, at least this many (repeat contacts). */
    tickets: count.optional(),
    /** A CSAT answer at or below this score. */
    csatAtMost: z.number().int().min(1).max(5).optional(),
    /** Failed-renewal (dunning) cases, at least this many. */
    dunningCases: count.optional(),
    /** Refund requests on plans of these billing intervals, at least `count`. */
    refunds: z.object({ count, intervals: z.array(z.enum(PLAN_INTERVALS)).min(1) }).strict().optional(),
  })
  .strict()
  .refine((r) => CONDITIONS.some((c) => r[c] !== undefined), 'a signal needs at least one condition (slaBreaches, tickets, csatAtMost, dunningCases, refunds)');

const CONDITIONS = ['slaBreaches', 'tickets', 'csatAtMost', 'dunningCases', 'refunds'] as const;

export const customerSuccessSchema = z
  .object({
    /** How long the CSM has for a task (its due date). */
    taskDueIn: duration.default('2d'),
    signals: z.array(signalRuleSchema).min(1),
  })
  .strict()
  .superRefine((cs, ctx) => {
    const seen = new Set<string>();
    cs.signals.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['signals', i, 'id'], message: `signal ${s.id} is named twice` });
      seen.add(s.id);
    });
  });

export type CustomerSuccessPolicy = z.output<typeof customerSuccessSchema>;
export type SignalRule = CustomerSuccessPolicy['signals'][number];

/** One customer's cases in a rule's window, as the read model shows them. */
export interface CustomerFacts {
  tickets: { id: string; slaBreached: boolean; csat: number | null }[];
  dunning: { id: string }[];
  refunds: { id: string; interval: string | null }[];
}

export interface RaisedSignal {
  ruleId: string;
  label: string;
  /** The cases that made it hold, for the CSM to read. */
  evidence: string[];
  why: string[];
}

/** Whether every condition of the rule holds; the evidence and reasons when it does. */
export function judgeSignal(rule: SignalRule, f: CustomerFacts): RaisedSignal | null {
  const evidence = new Set<string>();
  const why: string[] = [];
  const need = (ok: boolean, ids: string[], reason: string): boolean => {
    if (ok) {
      ids.forEach((id) => evidence.add(id));
      why.push(reason);
    }
    return ok;
  };
  const breached = f.tickets.filter((t) => t.slaBreached);
  const lowCsat = rule.csatAtMost === undefined ? [] : f.tickets.filter((t) => t.csat !== null && t.csat <= rule.csatAtMost!);
  const refunds = rule.refunds ? f.refunds.filter((r) => r.interval !== null && rule.refunds!.intervals.includes(r.interval as (typeof PLAN_INTERVALS)[number])) : [];
  const holds =
    (rule.slaBreaches === undefined || need(breached.length >= rule.slaBreaches, breached.map((t) => t.id), `${breached.length} SLA breach(es) within ${rule.within}`)) &&
    (rule.tickets === undefined || need(f.tickets.length >= rule.tickets, f.tickets.map((t) => t.id), `${f.tickets.length} ticket(s) within ${rule.within}`)) &&
    (rule.csatAtMost === undefined || need(lowCsat.length > 0, lowCsat.map((t) => t.id), `CSAT ${Math.min(...lowCsat.map((t) => t.csat!))} (at most ${rule.csatAtMost})`)) &&
    (rule.dunningCases === undefined || need(f.dunning.length >= rule.dunningCases, f.dunning.map((d) => d.id), `${f.dunning.length} failed renewal(s)`)) &&
    (rule.refunds === undefined || need(refunds.length >= rule.refunds.count, refunds.map((r) => r.id), `${refunds.length} refund request(s) on ${rule.refunds.intervals.join('/')} plans`));
  return holds ? { ruleId: rule.id, label: rule.label, evidence: [...evidence].sort(), why } : null;
}

/** Where the rule's current window starts: windows of the rule's length from the epoch, so one task per rule, customer and window. */
export function signalWindowStart(rule: SignalRule, now: number): number {
  const length = parseDuration(rule.within);
  return Math.floor(now / length) * length;
}

/** The key a raised signal (and its CRM task) is kept under: rule, customer (pseudonym) and window. */
export function signalKey(brand: string, rule: SignalRule, customer: string, now: number): string {
  return `signal:${brand}:${rule.id}:${customer}:${new Date(signalWindowStart(rule, now)).toISOString().slice(0, 10)}`;
}

/** The CSM's task text: what held, and which cases to read. IDs only, no personal data. */
export function signalTaskBody(s: Pick<RaisedSignal, 'why' | 'evidence'>): string {
  return `${s.why.join('; ')}. Cases: ${s.evidence.join(', ')}.`;
}
