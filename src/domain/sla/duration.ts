/**
 * Durations in policy packs are written the way the source documents state them: "15m", "2h",
 * "72h", "60s", "5d" (calendar days). Compound forms ("1h30m") are accepted.
 */
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PART = /(\d+)(s|m|h|d)/g;

export class InvalidDurationError extends Error {
  constructor(readonly input: string) {
    super(`"${input}" is not a duration like 30s, 15m, 4h or 1h30m`);
    this.name = 'InvalidDurationError';
  }
}

export function parseDuration(input: string): number {
  const text = input.trim();
  if (!/^(\d+(s|m|h|d))+$/.test(text)) throw new InvalidDurationError(input);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  if (total <= 0) throw new InvalidDurationError(input);
  return total;
}

export function isDuration(input: string): boolean {
  try {
    parseDuration(input);
    return true;
  } catch {
    return false;
  }
}
