/**
 * Span and trace IDs for the spans a workflow makes. OpenTelemetry's own generator draws on
 * Math.random, which in the sandbox is the workflow's seeded generator — the one uuid4() draws
 * on too: every span would shift the IDs the workflow makes after it (an alert group's child
 * incident IDs), and histories recorded before tracing would no longer replay. These IDs are
 * derived from the run ID and a per-run counter instead: unique per run, and the same again when
 * the run is replayed. Pure: no Math.random, no clock.
 */
export class RunScopedIdGenerator {
  private issued = 0;

  constructor(private readonly runId: () => string) {}

  generateTraceId(): string {
    return this.id(4);
  }

  generateSpanId(): string {
    return this.id(2);
  }

  private id(words: number): string {
    const n = ++this.issued;
    const seed = `${this.runId()}#${n}`;
    let hex = '';
    for (let w = 0; w < words; w++) hex += hash32(seed, w).toString(16).padStart(8, '0');
    // An all-zero ID is invalid in W3C trace context.
    return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
  }
}

/** A 32-bit string hash (FNV-1a, then murmur3's finalizer to spread the bits), one per `salt`. */
function hash32(text: string, salt: number): number {
  let h = (0x811c9dc5 ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
