import { ROLES, type Role } from '../../persistence/entities/api-key.entity';

/**
 * The Caseworks role a token's role claim grants: each value (a string, or an array of them) is
 * looked up in the configured group map, else taken as a role name itself; the first value that
 * maps wins, so an IdP lists the caller's primary role first. Null when nothing maps. Pure.
 */
export function roleFromClaim(claim: unknown, roleMap: Readonly<Record<string, string>>): Role | null {
  const values = typeof claim === 'string' ? claim.split(/[\s,]+/) : Array.isArray(claim) ? claim : [];
  for (const value of values) {
    if (typeof value !== 'string') continue;
    const candidate = Object.prototype.hasOwnProperty.call(roleMap, value) ? roleMap[value] : value;
    if ((ROLES as readonly string[]).includes(candidate)) return candidate as Role;
  }
  return null;
}

/** A bearer credential shaped like a JWS compact serialization; API keys (`cw_…`) never have dots. */
export function looksLikeJwt(credential: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(credential);
}
