import { z } from 'zod';
import { last4Only } from '../billing/card-redaction';

/**
 * What a notifier sends to ask for content to come down, checked for shape at intake. Legal
 * sufficiency is a separate question, answered per regime by assessCompleteness (regime.ts): a
 * notice that is well-formed but lacks, say, a good-faith statement is still recorded, answered
 * and counted in the transparency report, so only malformed input is refused here.
 */
export const NOTIFIER_ROLES = ['rights_holder', 'agent', 'attorney', 'trusted_flagger', 'authority'] as const;
export type NotifierRole = (typeof NOTIFIER_ROLES)[number];

export const LEGAL_BASES = [
  'copyright',
  'eu_illegal_content',
  'trademark',
  'defamation',
  'privacy',
  'child_safety',
  'threat_to_life_or_safety',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** ISO 3166-1 alpha-2, officially assigned codes only: a jurisdiction must be a real country. */
export const ISO_COUNTRIES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

// Codes people commonly write that ISO reserves for other uses; say which one they meant.
const NEAR_MISSES: Record<string, string> = { UK: 'GB', EL: 'GR', EU: 'the member states concerned' };

export const countryCode = z
  .string()
  .trim()
  .transform((code) => code.toUpperCase())
  .superRefine((code, ctx) => {
    if (ISO_COUNTRIES.has(code)) return;
    const hint = NEAR_MISSES[code];
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      // The value is echoed back, so never a card number in full.
      message: hint ? `"${code}" is not an ISO 3166-1 country code; use ${hint}` : `"${last4Only(code)}" is not an ISO 3166-1 alpha-2 country code`,
    });
  });

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

// Only web locations: an "exact electronic location" (DSA Art. 16(2)(b)) the reviewer can open.
const webUrl = z.string().trim().max(2048).refine(isWebUrl, 'must be an absolute http(s) URL');

function isWebUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

const itemSchema = z
  .object({ contentId: text(200).optional(), url: webUrl.optional() })
  .strict()
  .refine((i) => i.contentId !== undefined || i.url !== undefined, 'give a contentId, a url, or both');

const notifierSchema = z
  .object({
    // Optional here; required below for every legal basis but child safety.
    name: text(200).optional(),
    email: z.string().trim().max(320).email('must be an email address').optional(),
    organisation: text(200).optional(),
    role: z.enum(NOTIFIER_ROLES),
  })
  .strict();

const statementsSchema = z
  .object({
    /** §512(c)(3)(A)(ii): the copyrighted work (or a representative list). */
    identificationOfWork: text(5_000).optional(),
    /** §512(c)(3)(A)(iii): which material is claimed to infringe. */
    infringingMaterial: text(5_000).optional(),
    /** §512(c)(3)(A)(v). */
    goodFaith: z.boolean().optional(),
    /** §512(c)(3)(A)(vi): accurate, and authorised to act, under penalty of perjury. */
    accuracyUnderPenaltyOfPerjury: z.boolean().optional(),
    /** §512(c)(3)(A)(i): physical or electronic signature, e.g. "/Jane Roe/". */
    signature: text(200).optional(),
    /** DSA Art. 16(2)(d): bona fide belief that the notice is accurate and complete. */
    bonaFide: z.boolean().optional(),
  })
  .strict();

export const takedownNoticeSchema = z
  .object({
    notifier: notifierSchema,
    items: z.array(itemSchema).min(1, 'at least one item').max(100, 'at most 100 items per notice'),
    claimedJurisdictions: z
      .array(countryCode)
      .min(1, 'at least one jurisdiction')
      .max(50, 'at most 50 jurisdictions')
      .transform((codes) => [...new Set(codes)]),
    legalBasis: z.enum(LEGAL_BASES),
    // Required as a field, but may be blank: whether a blank one is fatal depends on the regime
    // (the DSA needs it, §512 does not), so assessCompleteness decides, not the form.
    explanation: z.string().trim().max(10_000),
    statements: statementsSchema.default({}),
  })
  .strict()
  .superRefine((n, ctx) => {
    // DSA Art. 16(2)(c): reports of child sexual abuse may be anonymous; every other notifier
    // must be reachable, if only to be told the outcome.
    if (n.legalBasis === 'child_safety') return;
    for (const field of ['name', 'email'] as const) {
      if (n.notifier[field] === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['notifier', field], message: 'required unless the notice reports child sexual abuse' });
      }
    }
  });

export type TakedownNotice = z.output<typeof takedownNoticeSchema>;
export type TakedownNoticeInput = z.input<typeof takedownNoticeSchema>;
export type NoticeItem = TakedownNotice['items'][number];

export interface NoticeFieldIssue {
  /** Dotted path, e.g. 'statements.goodFaith' or 'items.0'. */
  field: string;
  message: string;
}

export class TakedownNoticeError extends Error {
  readonly field: string;
  constructor(readonly issues: readonly NoticeFieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.name = 'TakedownNoticeError';
    this.field = issues[0]?.field ?? '(body)';
  }
}

/** The parsed notice; throws TakedownNoticeError listing every problem by field, so a form can mark them all at once. */
export function parseTakedownNotice(input: unknown): TakedownNotice {
  const parsed = takedownNoticeSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new TakedownNoticeError(parsed.error.issues.flatMap(toFieldIssues));
}

function toFieldIssues(issue: z.ZodIssue): NoticeFieldIssue[] {
  const at = (path: (string | number)[]) => path.join('.') || '(body)';
  // Name the unknown field itself, not the object that holds it.
  if (issue.code === z.ZodIssueCode.unrecognized_keys) {
    return issue.keys.map((key) => ({ field: at([...issue.path, key]), message: 'unknown field' }));
  }
  return [{ field: at(issue.path), message: issue.message }];
}
