import { caseKeyStoreFor, CaseKeySource, CaseKeyStoreConfig } from '../temporal/case-keys.store';
import { SubjectHasher } from '../temporal/case-subject';
import { mapPersonalStrings } from './personal-data';
import { CaseErasedError } from '../temporal/case-key-codec';
import { openSealed, sealedCaseId, sealedCasesIn, sealText } from './sealed-text';

/**
 * The read model's personal data, sealed under each case's own data key (the key that seals the
 * case's Temporal payloads, src/temporal/case-keys.store.ts). Writers seal what they store;
 * readers open what they read. Erasure destroys the key: every copy of the row — PostgreSQL
 * backups, replicas, dumps — then holds ciphertext nobody can open, while the columns reports
 * count by (brand, state, priority, times, amounts, the enumerations in JSON) stay in clear.
 *
 * References that rows are joined and filtered on (`customer_ref`) cannot be sealed with a random
 * IV: they hold the subject's pseudonym (an HMAC under a key derived from PAYLOAD_ENCRYPTION_KEY),
 * and the reference itself lives sealed in the snapshot.
 *
 * Without PAYLOAD_ENCRYPTION_KEY nothing is sealed (no keys exist) and `open` is the identity.
 */
export class ReadModelSealer {
  private constructor(
    private readonly keys: CaseKeySource | undefined,
    private readonly hasher: SubjectHasher | undefined,
  ) {}

  static for(config: CaseKeyStoreConfig): ReadModelSealer {
    const keys = caseKeyStoreFor(config);
    return new ReadModelSealer(keys, config.PAYLOAD_ENCRYPTION_KEY ? SubjectHasher.fromBase64(config.PAYLOAD_ENCRYPTION_KEY) : undefined);
  }

  /** A sealer that seals nothing (a deployment without PAYLOAD_ENCRYPTION_KEY; unit tests of SQL). */
  static plaintext(): ReadModelSealer {
    return new ReadModelSealer(undefined, undefined);
  }

  /** For tests: a sealer over any key source. */
  static over(keys: CaseKeySource, hasher?: SubjectHasher): ReadModelSealer {
    return new ReadModelSealer(keys, hasher);
  }

  get sealing(): boolean {
    return this.keys !== undefined;
  }

  /**
   * `value` (a snapshot, event data, a message body) with its personal strings sealed under
   * `caseId`'s key (a string this case already sealed is kept as it is). Throws CaseErasedError
   * when the case was erased: nothing new is written about an erased subject.
   */
  async seal<T>(caseId: string, value: T): Promise<T> {
    const key = await this.keyFor(caseId);
    if (!key) return value;
    return mapPersonalStrings(value, (text) => (sealedCaseId(text) === caseId ? text : sealText(caseId, key, text))) as T;
  }

  /** A free-text column (a recipient, a summary): sealed whole. Null stays null. */
  async sealText(caseId: string, text: string | null | undefined): Promise<string | null> {
    if (text === null || text === undefined) return null;
    const key = await this.keyFor(caseId);
    return key ? sealText(caseId, key, text) : text;
  }

  /**
   * What a `customer_ref` column stores for `ref`: the subject's pseudonym (`subject:<hmac>`),
   * equal for equal references (so joins, filters and per-customer caps keep working), or the
   * reference itself when nothing is sealed.
   */
  pseudonym(ref: string): string;
  pseudonym(ref: string | null | undefined): string | null;
  pseudonym(ref: string | null | undefined): string | null {
    if (ref === null || ref === undefined) return null;
    return this.hasher ? pseudonymOf(this.hasher.hash(ref)) : ref;
  }

  /** The values a `customer_ref` column may hold for `ref`: its pseudonym, and the reference itself in rows written before sealing. */
  refMatches(ref: string): string[] {
    const pseudonym = this.pseudonym(ref);
    return pseudonym === ref ? [ref] : [pseudonym, ref];
  }

  /**
   * `value` (query rows, entities, snapshots) with every sealed string opened. A string of an
   * erased case reads "[erased]"; one that does not open, "[unreadable]".
   */
  async open<T>(value: T): Promise<T> {
    const cases = sealedCasesIn(value);
    if (cases.size === 0) return value;
    const keys = new Map<string, Buffer | null>();
    await Promise.all(
      [...cases].map(async (caseId) => {
        const key = this.keys ? await this.keys.keyForReading(caseId) : { state: 'absent' as const };
        keys.set(caseId, key.state === 'live' ? key.key : null);
      }),
    );
    return openSealed(value, keys);
  }

  private async keyFor(caseId: string): Promise<Buffer | undefined> {
    if (!this.keys) return undefined;
    const key = await this.keys.keyForWriting(caseId);
    if (key.state !== 'live') throw new CaseErasedError(caseId);
    return key.key;
  }
}

/** `customer_ref` of a sealed row: the subject hash, shortened to 128 bits (plenty to tell customers apart; the HMAC key is what stops guessing). */
export function pseudonymOf(subjectHash: string): string {
  return `subject:${subjectHash.slice(0, 32)}`;
}
