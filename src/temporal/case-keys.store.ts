import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Pool } from 'pg';

/** A case_keys row as the store reads it. */
interface KeyRow {
  wrapped_key: Buffer | null;
  destroyed_at: Date | null;
}

/** A case's data key as the codec sees it: usable, destroyed by erasure, or not made yet. */
export type CaseKey = { state: 'live'; key: Buffer } | { state: 'destroyed' } | { state: 'absent' };

/** What the case-key codec needs from the key table (a test can give it another). */
export interface CaseKeySource {
  /** The case's live key, created on first use; `destroyed` once erased (never replaced by a new one). */
  keyForWriting(caseId: string): Promise<CaseKey>;
  /** The case's key without creating one. */
  keyForReading(caseId: string): Promise<CaseKey>;
}

/**
 * How long a looked-up key is trusted. Erasure destroys the row; every process (API, worker,
 * codec endpoint) stops using the key at most this long after — the erasing process at once.
 */
export const CASE_KEY_CACHE_TTL_MS = 5_000;
/** Keys of this many cases are kept in memory at most (the oldest lookups go first). */
const CACHE_MAX_ENTRIES = 20_000;
const ALGORITHM = 'aes-256-gcm';

/**
 * While PostgreSQL cannot be reached, a live key this process read within this window keeps
 * working (actions on open cases need only Temporal), as API keys do (API_KEY_OUTAGE_GRACE_MS). A
 * process cut off from the database cannot learn of an erasure meanwhile: the price of staying up.
 */
export const CASE_KEY_OUTAGE_GRACE_MS = 900_000;
/** After a failed read, graced keys answer at once for this long (re-read in the background), not after a connect timeout each. */
const OUTAGE_RECHECK_MS = 2_000;

interface Cached {
  value: CaseKey;
  until: number;
  /** When PostgreSQL last answered for this key. */
  readAt: number;
}

/**
 * case_keys: one random AES-256 data key per case (workflow ID), stored wrapped (AES-256-GCM,
 * the case ID as associated data, so a wrapped key copied onto another case's row does not
 * open) under a key derived with HKDF from PAYLOAD_ENCRYPTION_KEY. Erasure sets the wrapped key
 * to NULL: with it go the case's payloads in every history, export and backup that holds them.
 */
export class CaseKeyStore implements CaseKeySource {
  // ECMAScript private fields: never enumerable, so a logger printing the worker's options (the
  // SDK does at debug level) prints neither keys nor the pool's connection string.
  readonly #wrappingKey: Buffer;
  readonly #pool: Pool;
  readonly #cache = new Map<string, Cached>();
  readonly #pending = new Map<string, Promise<CaseKey>>();
  #outageUntil = 0;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(pool: Pool, masterKey: Buffer, ttlMs = CASE_KEY_CACHE_TTL_MS, now: () => number = Date.now) {
    this.#pool = pool;
    this.#wrappingKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'caseworks case key wrap', 32));
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  keyForWriting(caseId: string): Promise<CaseKey> {
    return this.lookup(caseId, true);
  }

  keyForReading(caseId: string): Promise<CaseKey> {
    return this.lookup(caseId, false);
  }

  /**
   * Records who a case is about, when its opener knows (the API at start). Creates the key if
   * the case has none yet; an existing subject is never overwritten.
   */
  async recordSubject(caseId: string, subjectHash: string): Promise<void> {
    const key = randomBytes(32);
    const { rows } = await this.#pool.query<KeyRow>(
      `INSERT INTO case_keys (case_id, subject_hash, wrapped_key) VALUES ($1, $2, $3)
       ON CONFLICT (case_id) DO UPDATE SET subject_hash = COALESCE(case_keys.subject_hash, EXCLUDED.subject_hash)
       RETURNING wrapped_key, destroyed_at`,
      [caseId, subjectHash, this.wrap(caseId, key)],
    );
    // The row as it stands now (this key, or the one an earlier start of the same case made),
    // cached: the start's input is sealed next, without two more round trips to read it back.
    this.remember(caseId, rows[0]);
  }

  /** Drops cached keys (the erasing process calls it after destroying them, so it stops at once). */
  forget(caseIds: readonly string[]): void {
    for (const id of caseIds) this.#cache.delete(id);
  }

  private async lookup(caseId: string, create: boolean): Promise<CaseKey> {
    const hit = this.#cache.get(caseId);
    const now = this.#now();
    if (hit && (hit.value.state === 'destroyed' || hit.until > now)) return hit.value;
    const graced = hit?.value.state === 'live' && now - hit.readAt <= CASE_KEY_OUTAGE_GRACE_MS ? hit.value : null;
    // A case with a row (cached before) only needs re-reading; the INSERT is for its first payload.
    const mayCreate = create && !hit;
    if (graced && now < this.#outageUntil) {
      // Its failure is the outage this key is graced through (read records it); nobody awaits it.
      void this.read(caseId, mayCreate).catch(() => undefined);
      return graced;
    }
    try {
      return await this.read(caseId, mayCreate);
    } catch (err) {
      if (graced) return graced;
      throw err;
    }
  }

  private read(caseId: string, create: boolean): Promise<CaseKey> {
    // Concurrent payloads of one case (a workflow activation holds many) share one query.
    const flightKey = `${create ? 'w' : 'r'}:${caseId}`;
    const inFlight = this.#pending.get(flightKey);
    if (inFlight) return inFlight;
    const found = this.load(caseId, create).finally(() => this.#pending.delete(flightKey));
    this.#pending.set(flightKey, found);
    return found;
  }

  private async load(caseId: string, create: boolean): Promise<CaseKey> {
    try {
      const value = await this.query(caseId, create);
      this.#outageUntil = 0;
      return value;
    } catch (err) {
      this.#outageUntil = this.#now() + OUTAGE_RECHECK_MS;
      throw err;
    }
  }

  private async query(caseId: string, create: boolean): Promise<CaseKey> {
    if (create) {
      // Race-safe: whichever process inserts first wins, everyone then reads the winner's key.
      await this.#pool.query(`INSERT INTO case_keys (case_id, wrapped_key) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING`, [
        caseId,
        this.wrap(caseId, randomBytes(32)),
      ]);
    }
    const { rows } = await this.#pool.query<KeyRow>(
      `SELECT wrapped_key, destroyed_at FROM case_keys WHERE case_id = $1`,
      [caseId],
    );
    if (rows.length === 0) return { state: 'absent' }; // not cached: the case may get a key any moment
    return this.remember(caseId, rows[0]);
  }

  /** A case's key row, cached as the key it holds (or destroyed); the oldest entry goes when the cache is full. */
  private remember(caseId: string, row: KeyRow): CaseKey {
    const value: CaseKey = row.wrapped_key && !row.destroyed_at ? { state: 'live', key: this.unwrap(caseId, row.wrapped_key) } : { state: 'destroyed' };
    if (this.#cache.size >= CACHE_MAX_ENTRIES) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.delete(caseId); // re-inserted last: Map order is the eviction order
    this.#cache.set(caseId, { value, until: this.#now() + this.#ttlMs, readAt: this.#now() });
    return value;
  }

  private wrap(caseId: string, key: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, this.#wrappingKey, iv);
    cipher.setAAD(Buffer.from(caseId, 'utf8'));
    const body = Buffer.concat([cipher.update(key), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  private unwrap(caseId: string, wrapped: Buffer): Buffer {
    const decipher = createDecipheriv(ALGORITHM, this.#wrappingKey, wrapped.subarray(0, 12));
    decipher.setAAD(Buffer.from(caseId, 'utf8'));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    return ownAllocation(Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]));
  }
}

/**
 * The bytes of `small` in an allocation of their own. Node hands out small Buffers as views on a
 * shared 8 KiB pool, so a 32-byte key kept in the cache (up to 20,000, kept through an outage's
 * grace) would keep a whole pool slab alive: measured, the worker's ArrayBuffers grew ~8 KiB per
 * case cached (+62 MiB from 2,000 to 10,000 open tickets, make bench SCENARIO=growth).
 */
function ownAllocation(small: Buffer): Buffer {
  const own = Buffer.allocUnsafeSlow(small.length);
  small.copy(own);
  return own;
}

export interface CaseKeyStoreConfig {
  DATABASE_URL: string;
  PAYLOAD_ENCRYPTION_KEY?: string;
  DATABASE_CONNECT_TIMEOUT_MS?: number;
  DATABASE_QUERY_TIMEOUT_MS?: number;
}

const stores = new Map<string, { store: CaseKeyStore; pool: Pool }>();

/**
 * One store (one small pool, one cache) per database and payload key in a process: the API's
 * client, the codec endpoint and the worker of one process share it, so erasure's forget()
 * reaches all of them. The pool lets the process exit when idle (tests, scripts).
 */
export function caseKeyStoreFor(config: CaseKeyStoreConfig): CaseKeyStore | undefined {
  if (!config.PAYLOAD_ENCRYPTION_KEY) return undefined;
  const id = `${config.DATABASE_URL}\u0000${createHash('sha256').update(config.PAYLOAD_ENCRYPTION_KEY).digest('hex')}`;
  const known = stores.get(id);
  if (known) return known.store;
  const pool = new Pool({
    connectionString: config.DATABASE_URL,
    max: 4,
    idleTimeoutMillis: 1_000,
    allowExitOnIdle: true,
    ...(config.DATABASE_CONNECT_TIMEOUT_MS ? { connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS } : {}),
    ...(config.DATABASE_QUERY_TIMEOUT_MS ? { query_timeout: config.DATABASE_QUERY_TIMEOUT_MS } : {}),
  });
  // An idle client's connection dropping (PostgreSQL restart) must not crash the process.
  pool.on('error', () => undefined);
  const store = new CaseKeyStore(pool, Buffer.from(config.PAYLOAD_ENCRYPTION_KEY, 'base64'));
  stores.set(id, { store, pool });
  return store;
}

/** Closes every store's pool (clean shutdown; the next caseKeyStoreFor opens a new one). */
export async function closeCaseKeyStores(): Promise<void> {
  const all = [...stores.values()];
  stores.clear();
  await Promise.all(all.map(({ pool }) => pool.end()));
}
