import type { BillingKind, BillingReads } from '../../persistence/read/billing-reads';
import { inScope, isScoped } from '../auth/case-scope';
import type { Principal } from '../auth/principal';
import { Problem } from '../problem/problem';
import { unavailableDependency } from '../resilience/dependency-errors';

const NOUN: Record<BillingKind, string> = { refund: 'refund', dispute: 'dispute', dunning: 'dunning case' };

/** A billing case the caller may see; another brand's, to an agent of one brand, is not found. */
export function scopedView<V extends { brand: string }>(caller: Principal, kind: BillingKind, id: string, view: V): V {
  if (!inScope(caller, view)) throw Problem.notFound(NOUN[kind], id);
  return view;
}

/**
 * Refuses, as not found, an action on a billing case outside the caller's brand, before it
 * reaches the workflow. The brand comes from the read model; a case not recorded yet (or
 * PostgreSQL unreachable) is read through `view` (the workflow's query) instead.
 */
export async function assertBillingScope(billing: BillingReads, caller: Principal, kind: BillingKind, id: string, view: () => Promise<{ brand: string }>): Promise<void> {
  if (!isScoped(caller)) return;
  let brand: string | undefined;
  try {
    brand = await billing.brand(kind, id);
  } catch (err) {
    if (unavailableDependency(err) !== 'postgresql') throw err;
  }
  brand ??= (await view()).brand;
  if (!inScope(caller, { brand })) throw Problem.notFound(NOUN[kind], id);
}
