import { Problem } from '../problem/problem';
import type { Principal } from './principal';

/** Who a case belongs to, as far as need-to-know goes. */
export interface CaseOwner {
  brand: string;
  /** The customer account (tickets); null or absent: none. */
  account?: string | null;
}

/**
 * Whether the caller may see a case at all (its role already passed the role table). A client
 * key sees its own account's cases only (none without an account); a caller working for one brand
 * (an agent key with a brand) sees that brand's only. Out of scope is answered as not found.
 */
export function inScope(caller: Principal, owner: CaseOwner): boolean {
  if (caller.role === 'client') return caller.account !== undefined && owner.account === caller.account;
  if (caller.brand !== undefined) return owner.brand === caller.brand;
  return true;
}

/** Whether anything is out of the caller's scope (an unscoped caller needs no ownership lookup). */
export function isScoped(caller: Principal): boolean {
  return caller.role === 'client' || caller.brand !== undefined;
}

/**
 * The brand a report or list may cover for the caller: the one asked for, or (a caller working
 * for one brand) that brand — asking for another is refused, naming the parameter.
 */
export function brandFilterFor(caller: Principal, asked: string | undefined, field = 'query:brand'): string | undefined {
  if (caller.brand === undefined || asked === undefined) return asked ?? caller.brand;
  if (asked !== caller.brand) throw Problem.validation([{ field, message: `this key works for brand ${caller.brand} only` }], 422);
  return asked;
}
