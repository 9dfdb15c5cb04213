import { createHash, randomBytes } from 'node:crypto';

/** Keys are 32 random bytes; a plain SHA-256 suffices to store them (no guessable input). */
export function generateApiKey(): string {
  return `cw_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function apiKeyPrefix(key: string): string {
  return key.slice(0, 10);
}
