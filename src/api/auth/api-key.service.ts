import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { ApiKeyRow, Role } from '../../persistence/entities/api-key.entity';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './api-key-format';
import type { Principal } from './principal';

/** Short, so a revoked key stops working within seconds while hot keys skip the database. */
const CACHE_TTL_MS = 5_000;

@Injectable()
export class ApiKeyService {
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();

  constructor(private readonly dataSource: DataSource) {}

  async authenticate(key: string): Promise<Principal | null> {
    const hash = hashApiKey(key);
    const hit = this.cache.get(hash);
    const now = Date.now();
    if (hit && hit.until > now) return hit.principal;
    const row = await this.dataSource.getRepository(ApiKeyRow).findOne({ where: { keyHash: hash, revokedAt: IsNull() } });
    const principal = row ? { keyId: row.id, name: row.name, role: row.role } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, until: now + CACHE_TTL_MS });
    return principal;
  }

  /** Creates a key and returns it: the only time the plaintext key exists outside the caller. */
  static async create(dataSource: DataSource, name: string, role: Role): Promise<{ key: string; id: string }> {
    const key = generateApiKey();
    const row = await dataSource
      .getRepository(ApiKeyRow)
      .save({ name, role, keyHash: hashApiKey(key), keyPrefix: apiKeyPrefix(key), revokedAt: null });
    return { key, id: row.id };
  }
}
