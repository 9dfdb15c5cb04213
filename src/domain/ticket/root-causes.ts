import { z } from 'zod';

/**
 * A brand's root-cause vocabulary: what agents tag a ticket with once they know why it came in,
 * and which causes the brand counts as preventable (a known issue, a confusing bill) — the
 * monthly report follows 001's "preventable tickets reduced by 15 % per quarter" with it. Pinned
 * into the ticket's policy when it opens, like every other rule the ticket lives by.
 */
export const rootCauseSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case slug, at most 64 characters'),
    label: z.string().min(1).max(200),
    /** Whether tickets with this cause are ones the brand could have avoided (product fix, clearer docs, self-service). */
    preventable: z.boolean(),
  })
  .strict();

export const rootCausesSchema = z
  .array(rootCauseSchema)
  .max(200)
  .superRefine((causes, ctx) => {
    const seen = new Set<string>();
    for (const [i, c] of causes.entries()) {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `root cause "${c.id}" is listed twice` });
      seen.add(c.id);
    }
  });

export type RootCause = z.infer<typeof rootCauseSchema>;

/** At most this many tags on one ticket: a cause or two, not an essay. */
export const MAX_ROOT_CAUSE_TAGS = 10;

export type RootCauseTagging =
  | { ok: true; tags: string[]; preventable: boolean | null }
  | { ok: false; field: string; message: string };

/**
 * The tags an agent set, checked against the ticket's pinned vocabulary: each must be one of its
 * ids (a refusal names `tags[i]`); duplicates collapse, in the order given. `preventable` is
 * whether any tag is preventable; no tags: unknown (null). A ticket pinned before vocabularies
 * existed has none, so every tag is unknown to it (re-pinning gives it the current one).
 */
export function tagRootCauses(vocabulary: readonly RootCause[] | undefined, tags: readonly string[]): RootCauseTagging {
  const known = new Map((vocabulary ?? []).map((c) => [c.id, c]));
  if (tags.length > MAX_ROOT_CAUSE_TAGS) return { ok: false, field: 'tags', message: `at most ${MAX_ROOT_CAUSE_TAGS} tags` };
  const unique: string[] = [];
  for (const [i, tag] of tags.entries()) {
    if (typeof tag !== 'string' || !known.has(tag)) {
      const hint = known.size ? `known: ${[...known.keys()].join(', ')}` : "this ticket's policy has no root-cause vocabulary (re-pin it to the brand's current policy)";
      return { ok: false, field: `tags[${i}]`, message: `unknown root cause "${String(tag).slice(0, 64)}"; ${hint}` };
    }
    if (!unique.includes(tag)) unique.push(tag);
  }
  return { ok: true, tags: unique, preventable: unique.length ? unique.some((t) => known.get(t)!.preventable) : null };
}
