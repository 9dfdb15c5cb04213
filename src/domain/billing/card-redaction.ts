/**
 * Agents may see the last four digits of a card, never the number (PAN). Card numbers arrive
 * where we do not expect them: a customer types theirs into chat. Pure.
 *
 * A PAN here is 13–19 digits, written together or in groups split by a single space, dash,
 * underscore or dot, that passes the Luhn check. Only Luhn-valid runs are masked so order numbers and phone numbers
 * stay readable; a Luhn-valid run that is not a card (one in ten random ones) is masked anyway,
 * which is the safe way to be wrong.
 */
const MIN_DIGITS = 13;
const MAX_DIGITS = 19;
// Digit groups joined by one space, dash, underscore or dot ("4242_4242_…" inside a reference
// like "ch_card_4242_…", "4242.4242.…"), taken whole: the longest run of such groups.
const DIGIT_RUN = /\d+(?:[ _.-]\d+)*/g;
const WORD_CHAR = /[\p{L}\p{N}]/u;
// A token of hex digits (optionally "0x…") is an ID: hashes, hex object IDs, our own case IDs.
// One random 32-hex ID in ~400 holds a Luhn-valid stretch of 13+ digits, so a run glued to such
// a token is part of it. A token with any other letter ("Visa4242…", "cust4242-…", "4242…exp1228")
// is a card glued to a word: base62 and base32 IDs practically never hold 13 digits in a row.
const HEX_TOKEN = /^(?:0x)?[0-9a-f]+$/i;
// UUIDs are blanked out before the search: their all-digit segments, joined by dashes, would
// otherwise form runs (a refund's own snapshot refused as card data, one UUID in ~300).
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const MASK = '••••';

export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

interface Span {
  start: number;
  end: number;
  digits: string;
}

interface Group {
  start: number;
  digits: string;
}

/**
 * Card numbers inside one run of digit groups. A run can hold more than a card ("4242…4242 123"
 * with the CVC after it), so every stretch of whole groups is tried, the longest first.
 */
function cardsInGroups(groups: Group[]): Span[] {
  const found: Span[] = [];
  let i = 0;
  while (i < groups.length) {
    let hit: Span | null = null;
    let digits = '';
    for (let j = i; j < groups.length && digits.length + groups[j].digits.length <= MAX_DIGITS; j++) {
      // Printed cards are grouped from a first group of four (4-4-4-4, 4-6-5, 4-6-4…): a stretch
      // of several groups that starts or continues otherwise is a log line or a list of numbers.
      if (j > i && (groups[i].digits.length !== 4 || groups[j].digits.length < 3 || groups[j].digits.length > 6)) break;
      digits += groups[j].digits;
      if (digits.length >= MIN_DIGITS && luhnValid(digits)) hit = { start: groups[i].start, end: groups[j].start + groups[j].digits.length, digits };
    }
    if (hit) {
      found.push(hit);
      const end = hit.end;
      i = groups.findIndex((g) => g.start >= end);
      if (i < 0) break;
    } else {
      i++;
    }
  }
  return found;
}

const isWordChar = (ch: string | undefined) => ch !== undefined && WORD_CHAR.test(ch);

/** Whether a group is glued into a hex ID: letters or digits touch it and the whole token is hex. */
function partOfHexId(text: string, group: Group): boolean {
  let from = group.start;
  let to = group.start + group.digits.length;
  while (isWordChar(text[from - 1])) from--;
  while (isWordChar(text[to])) to++;
  return to - from > group.digits.length && HEX_TOKEN.test(text.slice(from, to));
}

/**
 * The groups of one run that may hold a card. A run right after a "+" that starts a token is a
 * phone number in E.164 form, never a card (after "jane+" in an e-mail address it may be one).
 * An end group glued into a hex ID belongs to that ID; the groups in between may still be a card.
 */
function searchableGroups(text: string, run: string, offset: number): Group[] {
  if (text[offset - 1] === '+' && !isWordChar(text[offset - 2])) return [];
  const groups = [...run.matchAll(/\d+/g)].map((m) => ({ start: offset + (m.index ?? 0), digits: m[0] }));
  if (groups.length > 0 && partOfHexId(text, groups[0])) groups.shift();
  if (groups.length > 0 && partOfHexId(text, groups[groups.length - 1])) groups.pop();
  return groups;
}

function findCards(text: string): Span[] {
  // Same length, so every offset still points into the original text.
  const searched = text.replace(UUID, (id) => ' '.repeat(id.length));
  return [...searched.matchAll(DIGIT_RUN)].flatMap((m) => cardsInGroups(searchableGroups(searched, m[0], m.index ?? 0)));
}

/** The text with every card number replaced by "•••• 1234" (its last four digits). */
export function last4Only(text: string): string {
  let out = '';
  let at = 0;
  for (const card of findCards(text)) {
    out += `${text.slice(at, card.start)}${MASK} ${card.digits.slice(-4)}`;
    at = card.end;
  }
  return out + text.slice(at);
}

export function containsCardNumber(text: string): boolean {
  return findCards(text).length > 0;
}

/** Fields that must never hold a value at all, whatever it looks like. */
const FORBIDDEN_KEYS = /^(cvc|cvv|cvc2|cvv2|card_?number|pan)$/i;

/**
 * The ApplicationFailure type a billing activity refuses a record with when it holds card data:
 * not retryable (the same record would be refused forever); its message and details name the
 * field path, never the value. Billing workflows move such a case to manual remediation.
 */
export const CARD_DATA_REFUSED = 'CardDataRefused';

export class CardDataError extends Error {
  constructor(readonly path: string) {
    // The path only: repeating the value would leak it into logs.
    super(`card data at ${path || '(root)'}`);
    this.name = 'CardDataError';
  }
}

/** Throws CardDataError naming the first place that holds a card number or a CVC. */
export function assertNoCardData(value: unknown, path = ''): void {
  if (typeof value === 'string') {
    if (containsCardNumber(value)) throw new CardDataError(path);
    return;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    // Records are full of 13-digit epoch milliseconds, a tenth of which pass Luhn. Card numbers
    // issued today have 15 to 19 digits, so shorter numbers are times and amounts, not cards.
    const digits = String(value);
    if (digits.length >= 15 && containsCardNumber(digits)) throw new CardDataError(path);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertNoCardData(v, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.test(key) && v !== null && v !== undefined && v !== '') throw new CardDataError(at);
      assertNoCardData(v, at);
    }
  }
}

/**
 * A copy with every card number reduced to its last four digits (last4Only), the forbidden keys
 * (cvc, pan…) emptied and long Luhn-valid numbers dropped: what assertNoCardData accepts. For the
 * record of a case whose data was refused, so it can still be stored and shown. Pure.
 */
export function redactCardData<T>(value: T): T {
  return redact(value) as T;
}

function redact(value: unknown): unknown {
  if (typeof value === 'string') return last4Only(value);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value);
    return digits.length >= 15 && containsCardNumber(digits) ? null : value;
  }
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, FORBIDDEN_KEYS.test(k) && v !== null && v !== undefined && v !== '' ? null : redact(v)]));
  }
  return value;
}
