import { z } from '../../src/worker/inert-zod';

/** The stand-in for zod inside the workflow bundle: schemas build, nothing parses. */
describe('inert zod (workflow bundle)', () => {
  const schema = z.object({ a: z.string().min(1) }).strict().transform((v: unknown) => v);

  it('builds any schema chain at module scope without work', () => {
    expect(() => z.enum(['a', 'b']).optional().default('a')).not.toThrow();
  });

  it.each(['parse', 'safeParse', 'parseAsync', 'safeParseAsync'])('%s gives a value that throws when read, never an inert one', (method) => {
    // Parsing itself is allowed (domain modules parse their defaults at module scope) ...
    const value = (schema as unknown as Record<string, (v: unknown) => unknown>)[method]({ a: 'x' }) as Record<string, unknown>;
    // ... but reading the result inside a workflow fails loudly.
    expect(() => value.a).toThrow(/inside the workflow bundle/);
    expect(() => Object.keys(value)).toThrow(/inside the workflow bundle/);
    expect(() => JSON.stringify(value)).toThrow(/inside the workflow bundle/);
  });
});
