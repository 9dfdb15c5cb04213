/**
 * Redacts personal data from public text (a social-media post that becomes a private ticket),
 * so what Caseworks keeps of it is the complaint, not who and how to reach them. Pure.
 * Order matters: card numbers before phone numbers (both are digit runs), e-mails before handles.
 */
const RULES: Array<[RegExp, string]> = [
  [/\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g, '[email]'],
  [/\bhttps?:\/\/\S+/gi, '[link]'],
  // 13–19 digits, optionally grouped by spaces or dashes: card numbers (PAN), never kept.
  [/\b(?:\d[ -]?){12,18}\d\b/g, '[card]'],
  [/(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?)?\d{2,4}[\s.-]\d{2,4}[\s.-]?\d{2,5}\b/g, '[phone]'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '[ip]'],
  [/(^|[^\w@])@[A-Za-z0-9_]{1,30}\b/g, '$1[handle]'],
];

export function redactPersonalData(text: string): string {
  return RULES.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text);
}

/** Keeps the post's address without its query string or fragment (tracking IDs, share tokens). */
export function redactPostUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '[link]';
  }
}
