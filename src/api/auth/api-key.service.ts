import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Repository } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { AccountRow } from '../../persistence/entities/account.entity';
import { ApiKeyRow, Role } from '../../persistence/entities/api-key.entity';
import { unavailableDependency } from '../resilience/dependency-errors';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './api-key-format';
import type { Principal } from './principal';

/** Short, so a revoked key stops working within seconds while hot keys skip the database. */
const CACHE_TTL_MS = 5_000;
/**
 * After PostgreSQL failed a lookup, keys verified within the outage grace answer from memory at
 * once for this long (re-checked in the background): each ask would wait out the connect timeout.
 */
const OUTAGE_RECHECK_MS = 2_000;

interface CachedKey {
  principal: Principal | null;
  until: number;
  /** When PostgreSQL last confirmed this key (valid keys only). */
  verifiedAt: number;
}

@Injectable()
export class ApiKeyService {
  private readonly cache = new Map<string, CachedKey>();
  private readonly inFlight = new Map<string, Promise<Principal | null>>();
  private outageUntil = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * The key's principal, null for an unknown or revoked key. While PostgreSQL cannot be reached, a
   * key this process verified within API_KEY_OUTAGE_GRACE_MS keeps its principal (case actions
   * that need only Temporal keep flowing); any other key fails with the outage (a 503).
   */
  async authenticate(key: string): Promise<Principal | null> {
    const hash = hashApiKey(key);
    const hit = this.cache.get(hash);
    const now = Date.now();
    if (hit && hit.until > now) return hit.principal;
    const graced = hit?.principal && now - hit.verifiedAt <= this.config.API_KEY_OUTAGE_GRACE_MS ? hit.principal : null;
    // PostgreSQL failed a lookup a moment ago (or this key's re-check is under way): a graced key
    // answers at once and is re-checked in the background, so no request spends its budget
    // waiting out the connect timeout for it.
    if (graced && (now < this.outageUntil || this.inFlight.has(hash))) {
      // Its failure is the outage this key is graced through (lookup records it); nobody awaits it.
      void this.lookup(hash).catch(() => undefined);
      return graced;
    }
    try {
      return await this.lookup(hash);
    } catch (err) {
      if (graced && unavailableDependency(err) === 'postgresql') return graced;
      throw err;
    }
  }

  /** Reads the key from PostgreSQL and caches the answer; one read per key at a time, shared by its callers. */
  private lookup(hash: string): Promise<Principal | null> {
    const pending = this.inFlight.get(hash);
    if (pending) return pending;
    const read = (async () => {
      try {
        const row = await this.dataSource.getRepository(ApiKeyRow).findOne({ where: { keyHash: hash, revokedAt: IsNull() } });
        const principal = row ? principalOf(row) : null;
        const now = Date.now();
        this.outageUntil = 0;
        if (this.cache.size > 10_000) this.cache.clear();
        this.cache.set(hash, { principal, until: now + CACHE_TTL_MS, verifiedAt: now });
        return principal;
      } catch (err) {
        if (unavailableDependency(err) === 'postgresql') this.outageUntil = Date.now() + OUTAGE_RECHECK_MS;
        throw err;
      } finally {
        this.inFlight.delete(hash);
      }
    })();
    this.inFlight.set(hash, read);
    return read;
  }

  /**
   * Drops this process's cached principal of a key whose scope changed (assignAccount), so its
   * next request reads the new scope; other API processes see it within CACHE_TTL_MS.
   */
  forget(keyId: string): void {
    for (const [hash, cached] of this.cache) if (cached.principal?.keyId === keyId) this.cache.delete(hash);
  }

  /**
   * Creates a key and returns it: the only time the plaintext key exists outside the caller. A
   * client key names its account (created on first use, with the brand given); an agent key may
   * name its brand.
   */
  static async create(dataSource: DataSource, name: string, role: Role, scope: KeyScope = {}): Promise<{ key: string; id: string }> {
    const key = generateApiKey();
    const row = await dataSource.transaction(async (tx) => {
      const { accountId, brand } = await resolveScope(tx.getRepository(AccountRow), role, scope);
      return tx.getRepository(ApiKeyRow).save({ name, role, keyHash: hashApiKey(key), keyPrefix: apiKeyPrefix(key), revokedAt: null, accountId, brand });
    });
    return { key, id: row.id };
  }

  /**
   * Puts an existing client key into an account (the backfill of keys made before accounts
   * existed, which see no tickets). The key takes the account's brand, as a key made for the
   * account would. Assigning the account it already has changes nothing (`changed: false`); a key
   * of another account is not moved: its holder would suddenly see another organisation's tickets.
   * Callers holding the key's principal in their cache see the account within CACHE_TTL_MS.
   */
  static async assignAccount(dataSource: DataSource, keyId: string, accountId: string): Promise<{ key: ApiKeyRow; changed: boolean }> {
    if (!KEY_ID.test(keyId)) throw new KeyAssignmentError('not-found', `API key ${keyId} does not exist`);
    if (!ACCOUNT_ID.test(accountId)) throw new KeyScopeError('account', 'an account ID is 1–64 lower-case letters, digits, . _ or -');
    return dataSource.transaction(async (tx) => {
      const keys = tx.getRepository(ApiKeyRow);
      const key = await keys.findOne({ where: { id: keyId }, lock: { mode: 'pessimistic_write' } });
      if (!key) throw new KeyAssignmentError('not-found', `API key ${keyId} does not exist`);
      if (key.revokedAt !== null) throw new KeyAssignmentError('revoked', `API key ${keyId} is revoked`);
      if (key.role !== 'client') throw new KeyScopeError('account', `only client keys belong to an account; this is a ${key.role} key`);
      const account = await tx.getRepository(AccountRow).findOneBy({ id: accountId });
      if (!account) throw new KeyScopeError('account', `no such account: ${accountId}`);
      if (key.accountId === account.id) return { key, changed: false };
      if (key.accountId !== null) {
        throw new KeyAssignmentError('has-account', `API key ${keyId} already belongs to account ${key.accountId}; make a new key for ${account.id}`);
      }
      if (key.brand !== null && account.brand !== key.brand) {
        throw new KeyScopeError('account', `account ${account.id} is a customer of ${account.brand ? `brand ${account.brand}` : 'no brand'}; this key works for brand ${key.brand}`);
      }
      await keys.update({ id: key.id }, { accountId: account.id, brand: account.brand });
      return { key: { ...key, accountId: account.id, brand: account.brand }, changed: true };
    });
  }

  /** Live client keys without an account (they see no tickets), oldest first: what the account backfill has left to do. */
  static async clientKeysWithoutAccount(dataSource: DataSource, limit: number): Promise<{ total: number; keys: ApiKeyRow[] }> {
    const where = { role: 'client' as const, accountId: IsNull(), revokedAt: IsNull() };
    const [keys, total] = await dataSource.getRepository(ApiKeyRow).findAndCount({ where, order: { createdAt: 'ASC', id: 'ASC' }, take: limit });
    return { total, keys };
  }
}

/** Why a key cannot be put into an account, other than a bad `account` (KeyScopeError). */
export class KeyAssignmentError extends Error {
  constructor(
    readonly reason: 'not-found' | 'revoked' | 'has-account',
    message: string,
  ) {
    super(message);
  }
}

/** API key IDs are UUIDs (api_keys.id); anything else names no key (and must not reach a uuid cast). */
const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a new key may see: a client key's account, an agent key's brand. */
export interface KeyScope {
  account?: string;
  /** The account's brand when it is created here (client), or the agent's brand. */
  brand?: string;
  /** The account's display name when it is created here (default: its ID). */
  accountName?: string;
}

/** A scope a key cannot have (another role's scope, an account of another brand): names the variable. */
export class KeyScopeError extends Error {
  constructor(
    readonly field: 'account' | 'brand',
    message: string,
  ) {
    super(message);
  }
}

const ACCOUNT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const BRAND = /^[a-z][a-z0-9-]*$/;

async function resolveScope(accounts: Repository<AccountRow>, role: Role, scope: KeyScope): Promise<{ accountId: string | null; brand: string | null }> {
  if (scope.brand !== undefined && !BRAND.test(scope.brand)) throw new KeyScopeError('brand', 'a brand is a lower-case slug (uoozee)');
  if (role !== 'client') {
    if (scope.account !== undefined) throw new KeyScopeError('account', 'only client keys belong to an account');
    if (scope.brand !== undefined && role !== 'agent') throw new KeyScopeError('brand', 'only agent and client keys are scoped to a brand');
    return { accountId: null, brand: scope.brand ?? null };
  }
  if (scope.account === undefined) {
    if (scope.brand !== undefined) throw new KeyScopeError('brand', "a client key's brand is its account's: name the account");
    return { accountId: null, brand: null };
  }
  if (!ACCOUNT_ID.test(scope.account)) throw new KeyScopeError('account', 'an account ID is 1–64 lower-case letters, digits, . _ or -');
  await accounts.createQueryBuilder().insert().into(AccountRow).values({ id: scope.account, brand: scope.brand ?? null, name: scope.accountName ?? scope.account }).orIgnore().execute();
  const account = await accounts.findOneByOrFail({ id: scope.account });
  if (scope.brand !== undefined && account.brand !== scope.brand) {
    throw new KeyScopeError('brand', `account ${account.id} belongs to ${account.brand ? `brand ${account.brand}` : 'no brand'}, not ${scope.brand}`);
  }
  return { accountId: account.id, brand: account.brand };
}

function principalOf(row: ApiKeyRow): Principal {
  return {
    keyId: row.id,
    name: row.name,
    role: row.role,
    ...(row.accountId ? { account: row.accountId } : {}),
    ...(row.brand ? { brand: row.brand } : {}),
  };
}
