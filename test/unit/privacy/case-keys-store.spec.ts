import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { CASE_KEY_CACHE_TTL_MS, CASE_KEY_OUTAGE_GRACE_MS, CaseKeyStore } from '../../../src/temporal/case-keys.store';

/**
 * The store's cache and outage rules against a pool that answers from a map or fails like a
 * PostgreSQL outage (the real table is exercised end to end in test/api/erasure.e2e.spec.ts).
 */
function fakePool() {
  const rows = new Map<string, { wrapped_key: Buffer | null; destroyed_at: Date | null }>();
  const state = { down: false, queries: 0 };
  const pool = {
    async query(sql: string, params: unknown[]) {
      state.queries += 1;
      if (state.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      const id = params[0] as string;
      if (sql.startsWith('INSERT')) {
        // recordSubject's statement carries the subject hash before the wrapped key, and returns the row.
        const withSubject = sql.includes('subject_hash');
        if (!rows.has(id)) rows.set(id, { wrapped_key: params[withSubject ? 2 : 1] as Buffer, destroyed_at: null });
        return { rows: sql.includes('RETURNING') ? [rows.get(id)] : [] };
      }
      const row = rows.get(id);
      return { rows: row ? [row] : [] };
    },
  };
  return { pool: pool as unknown as Pool, rows, state };
}

describe('CaseKeyStore', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('creates one key per case, caches it for the TTL, and reports a destroyed key at the next read', async () => {
    const { pool, rows, state } = fakePool();
    const store = new CaseKeyStore(pool, randomBytes(32), CASE_KEY_CACHE_TTL_MS, clock);
    const first = await store.keyForWriting('ticket-a');
    expect(first.state).toBe('live');
    const queries = state.queries;
    expect(await store.keyForReading('ticket-a')).toEqual(first);
    expect(state.queries).toBe(queries); // cached
    rows.set('ticket-a', { wrapped_key: null, destroyed_at: new Date() });
    now += CASE_KEY_CACHE_TTL_MS + 1;
    expect(await store.keyForReading('ticket-a')).toEqual({ state: 'destroyed' });
    expect(await store.keyForWriting('ticket-a')).toEqual({ state: 'destroyed' }); // never a fresh key
  });

  it("caches the key recordSubject leaves on the row, so sealing the start's input needs no further query", async () => {
    const { pool, rows, state } = fakePool();
    const store = new CaseKeyStore(pool, randomBytes(32), CASE_KEY_CACHE_TTL_MS, clock);
    await store.recordSubject('ticket-s', 'subject-hmac');
    expect(state.queries).toBe(1);
    const sealing = await store.keyForWriting('ticket-s');
    expect(sealing.state).toBe('live');
    expect(state.queries).toBe(1);
    // The cached key is the row's: read back once the cache has expired, it is the same key.
    now += CASE_KEY_CACHE_TTL_MS + 1;
    expect(await store.keyForReading('ticket-s')).toEqual(sealing);
    expect(state.queries).toBe(2);
    // A case whose row was there before (a retried start) caches the row's key, not the one it offered.
    const earlier = new CaseKeyStore(pool, randomBytes(32), CASE_KEY_CACHE_TTL_MS, clock);
    rows.set('ticket-t', { wrapped_key: null, destroyed_at: new Date() });
    await earlier.recordSubject('ticket-t', 'subject-hmac');
    expect(await earlier.keyForWriting('ticket-t')).toEqual({ state: 'destroyed' });
  });

  it("keeps each cached key in an allocation of its own, not a view pinning a slab of Node's 8 KiB Buffer pool", async () => {
    const { pool } = fakePool();
    const store = new CaseKeyStore(pool, randomBytes(32), CASE_KEY_CACHE_TTL_MS, clock);
    for (const id of ['ticket-p1', 'ticket-p2']) {
      const written = await store.keyForWriting(id);
      now += CASE_KEY_CACHE_TTL_MS + 1; // the second read comes from the row, unwrapped again
      const read = await store.keyForReading(id);
      for (const k of [written, read]) {
        if (k.state !== 'live') throw new Error(`expected a live key, got ${k.state}`);
        expect(k.key.length).toBe(32);
        expect(k.key.buffer.byteLength).toBe(32);
      }
      expect(read).toEqual(written);
    }
  });

  it('keeps a key it read while PostgreSQL is down, within the grace; a key never read fails', async () => {
    const { pool, state } = fakePool();
    const store = new CaseKeyStore(pool, randomBytes(32), CASE_KEY_CACHE_TTL_MS, clock);
    const live = await store.keyForWriting('ticket-b');
    state.down = true;
    now += CASE_KEY_CACHE_TTL_MS + 1;
    expect(await store.keyForReading('ticket-b')).toEqual(live);
    await expect(store.keyForWriting('ticket-new')).rejects.toThrow(/ECONNREFUSED/);
    now += CASE_KEY_OUTAGE_GRACE_MS;
    await expect(store.keyForReading('ticket-b')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses a wrapped key moved onto another case (the case ID is bound to it)', async () => {
    const { pool, rows } = fakePool();
    const store = new CaseKeyStore(pool, randomBytes(32), CASE_KEY_CACHE_TTL_MS, clock);
    await store.keyForWriting('ticket-c');
    rows.set('ticket-d', { ...rows.get('ticket-c')! });
    await expect(store.keyForReading('ticket-d')).rejects.toThrow();
  });
});
