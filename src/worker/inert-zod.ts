/**
 * Stands in for `zod` inside the workflow bundle (see workflow-bundle.ts). Workflow code shares
 * pure rules with the API, and those modules also build their zod schemas at module scope. The
 * Temporal worker evaluates a workflow's modules once per workflow run (module caches are per
 * workflow in the reusable V8 context), so with the real library every ticket, incident or refund
 * rebuilt zod and every schema of every policy pack before its first step: measured, a 4× drop in
 * workflow starts per second. (The domain is now evaluated once per worker, preloaded into the
 * shared context: workflow-bundle.ts, domainModules. The stand-in still keeps the library out of
 * the bundle and any parse out of workflows.) Workflows never parse with these schemas (input
 * arrives parsed and pinned); this builder accepts any chain (`z.object(...).strict().transform(...)`) and does
 * nothing. What a parse returns here (eslint bans `.parse` / `.safeParse` in src/workflows, but a
 * shared domain module parses its defaults at module scope) is a value that throws as soon as it
 * is read: a workflow that reached one fails its task visibly, where a silently inert value would
 * have corrupted the case.
 */
type Inert = ((...args: unknown[]) => Inert) & { [key: string | symbol]: Inert };

/** The schema methods that would produce a value: none may run inside the workflow bundle. */
const PARSERS = new Set<string | symbol>(['parse', 'safeParse', 'parseAsync', 'safeParseAsync', 'spa', 'decode', 'encode']);

function unparsed(method: string): unknown {
  const refuse = (): never => {
    throw new Error(`a value from zod ${method}() was read inside the workflow bundle, where zod is inert (src/worker/inert-zod.ts): parse in the API or an activity and pass the parsed value in`);
  };
  return new Proxy(function unparsedValue() {}, { get: refuse, apply: refuse, construct: refuse, has: refuse, ownKeys: refuse, getOwnPropertyDescriptor: refuse });
}

const inert: Inert = new Proxy(function inertZod() {} as unknown as Inert, {
  get: (_target, prop) => {
    if (PARSERS.has(prop)) return () => unparsed(String(prop));
    if (prop === Symbol.toPrimitive) return () => '';
    if (prop === 'then') return undefined; // never look like a promise
    return inert;
  },
  apply: () => inert,
  construct: () => inert as unknown as object,
});

export const z = inert;
export default inert;
