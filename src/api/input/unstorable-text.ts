/**
 * Text that PostgreSQL or JSON cannot hold, or that only ever arrives by mistake or malice: NUL
 * (PostgreSQL text and jsonb refuse it), a lone UTF-16 surrogate (not encodable as UTF-8) and the
 * C0 controls other than tab, CR and LF. DEL (U+007F) is allowed: it is storable and printable
 * in every sink we have, and refusing it would buy nothing.
 */
export interface UnstorableChar {
  /** UTF-16 index of the offending unit. */
  index: number;
  /** Why, without echoing the character: "NUL (U+0000)", "lone surrogate (U+D800)". */
  reason: string;
}

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

export function findUnstorableChar(text: string): UnstorableChar | null {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20) {
      if (code === 0x09 || code === 0x0a || code === 0x0d) continue;
      return { index: i, reason: code === 0 ? `NUL (${hex(code)})` : `control character (${hex(code)})` };
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return { index: i, reason: `lone surrogate (${hex(code)})` };
    }
    if (code >= 0xdc00 && code <= 0xdfff) return { index: i, reason: `lone surrogate (${hex(code)})` };
  }
  return null;
}

/** A name safe to show back in an error's field: the unstorable characters written as \uXXXX. */
export function printableName(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    const bad = (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || (code >= 0xd800 && code <= 0xdfff);
    out += bad || code < 0x20 ? `\\u${code.toString(16).padStart(4, '0')}` : name[i];
  }
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}
