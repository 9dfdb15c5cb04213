import fc from 'fast-check';
import type { Operation } from './openapi';
import { rawRequest } from './raw-request';
import { baseQueryOf, RequestPlan, requestPlans, sweepPlans } from './request-plans';
import { verdict } from './verdict';

export interface FuzzContext {
  baseUrl: string;
  /** The key for this operation's role; undefined on a public route. */
  key: string | undefined;
  pathValues: Record<string, string>;
  baseBody?: unknown;
  upsertParams: string[];
  bodyLimitBytes: number;
  seed: number;
  numRuns: number;
  timeLimitMs: number;
}

export interface FuzzOutcome {
  cases: number;
  /** Requests went unanswered: the live case is stuck, and the next operation needs a fresh one. */
  stuck: boolean;
  /** One line per kind of wrong answer (the first of each kind), with the seed and path that replay it. */
  failures: string[];
}

const MAX_UNANSWERED = 2;

/** A request as a failure message shows it: kind, field, query and the start of the body. */
export function describePlan(plan: RequestPlan): string {
  const body = plan.body === undefined ? '' : Buffer.isBuffer(plan.body) ? ` body=<${plan.body.length} bytes>` : ` body=${JSON.stringify(plan.body.length > 160 ? `${plan.body.slice(0, 160)}… (${plan.body.length} chars)` : plan.body)}`;
  const query = plan.query?.length ? ` query=${plan.query.join('&').slice(0, 120)}` : '';
  const path = plan.pathOverride ? ` path=${JSON.stringify(plan.pathOverride).slice(0, 120)}` : '';
  const headers = plan.headers ? ` headers=${JSON.stringify(plan.headers).slice(0, 120)}` : '';
  return `${plan.kind}${plan.field ? ` (${plan.field})` : ''}${query}${path}${headers}${body}`;
}

function urlFor(op: Operation, plan: RequestPlan, ctx: FuzzContext): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => plan.pathOverride?.[name] ?? encodeURIComponent(ctx.pathValues[name]));
  const query = plan.query ?? baseQueryOf(op);
  return query.length ? `${path}?${query.join('&')}` : path;
}

/**
 * Runs one operation's property: first its sweep (every field × every kind of hostile value, in
 * full), then `numRuns` random requests, fewer if the operation's time share runs out. Every run
 * is checked (not only up to the first wrong answer), so one pass lists every kind of failure,
 * each with what replays it: the sweep case's index, or fast-check's seed and path.
 */
export async function fuzzOperation(op: Operation, ctx: FuzzContext): Promise<FuzzOutcome> {
  let cases = 0;
  let unanswered = 0;
  const seen = new Map<string, string>();
  const options = { bodyLimitBytes: ctx.bodyLimitBytes, baseBody: ctx.baseBody };
  const sweep = sweepPlans(op, options);
  const check = (phase: 'sweep' | 'random') => {
    let run = 0;
    return fc.asyncProperty(phase === 'sweep' ? fc.constant(sweep[0]) : requestPlans(op, options), async (plan) => {
      const index = run++;
      // Each unanswered request costs the whole timeout: after two, the rest would only wait too.
      if (unanswered >= MAX_UNANSWERED) return;
      cases++;
      const headers: Record<string, string> = { ...(ctx.key ? { authorization: `Bearer ${ctx.key}` } : {}), ...plan.headers };
      if (plan.body !== undefined) headers['content-type'] = plan.contentType ?? 'application/json';
      let wrong: string | undefined;
      try {
        const res = await rawRequest(ctx.baseUrl, { method: op.method, path: urlFor(op, plan, ctx), headers, body: plan.body });
        wrong = verdict(res, plan.expect, plan.field, { upsert: ctx.upsertParams.length > 0 });
      } catch (err) {
        unanswered++;
        wrong = `no answer: ${err instanceof Error ? err.message : String(err)}`;
      }
      const kind = `${plan.kind}:${wrong?.slice(0, 40)}`;
      const replay = phase === 'sweep' ? `sweep case ${index}` : `fast-check seed ${ctx.seed}, path "${index}"`;
      if (wrong && !seen.has(kind)) seen.set(kind, `${op.key}: ${describePlan(plan)} → ${wrong}\n    (${replay})`);
    });
  };
  if (sweep.length) await fc.check(check('sweep'), { numRuns: sweep.length, examples: sweep.map((plan) => [plan]) });
  await fc.check(check('random'), { seed: ctx.seed, numRuns: ctx.numRuns, interruptAfterTimeLimit: ctx.timeLimitMs });
  if (unanswered >= MAX_UNANSWERED) seen.set('stuck', `${op.key}: stopped after ${unanswered} unanswered requests; the rest of its cases were not sent`);
  return { cases, stuck: unanswered > 0, failures: [...seen.values()] };
}
