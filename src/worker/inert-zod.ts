/**
 * Stands in for `zod` inside the workflow bundle (see workflow-bundle.ts). Workflow code shares
 * pure rules with the API, and those modules also build their zod schemas at module scope. The
 * Temporal worker evaluates a workflow's modules once per workflow run (module caches are per
 * workflow in the reusable V8 context), so with the real library every ticket, incident or refund
 * rebuilt zod and every schema of every policy pack before its first step: measured, a 4× drop in
 * workflow starts per second. Workflows never parse with these schemas (input arrives parsed and
 * pinned); this builder accepts any chain (`z.object(...).strict().transform(...)`) and does
 * nothing. A parse attempted in a workflow would return an inert value, so none is allowed there:
 * eslint bans `.parse` / `.safeParse` in src/workflows.
 */
type Inert = ((...args: unknown[]) => Inert) & { [key: string | symbol]: Inert };

const inert: Inert = new Proxy(function inertZod() {} as unknown as Inert, {
  get: (_target, prop) => {
    if (prop === Symbol.toPrimitive) return () => '';
    if (prop === 'then') return undefined; // never look like a promise
    return inert;
  },
  apply: () => inert,
  construct: () => inert as unknown as object,
});

export const z = inert;
export default inert;
