import type { Client } from '@temporalio/client';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';
import { namespaceRetentionDays, RetentionPolicy } from '../domain/retention/retention';

const DAY_MS = 86_400_000;

export interface NamespaceRetention {
  namespace: string;
  /** Days before, and after, this call. */
  beforeDays: number;
  days: number;
  changed: boolean;
}

/**
 * Sets the namespace's workflow-execution retention (how long Temporal keeps closed histories) to
 * match the policy packs: the shortest retention any brand gives a case (namespaceRetentionDays
 * says why). Left as it is when it already matches, so a restart costs one describe.
 */
export async function ensureNamespaceRetention(client: Client, policies: readonly RetentionPolicy[]): Promise<NamespaceRetention> {
  const namespace = client.options.namespace;
  const days = namespaceRetentionDays(policies);
  const described = await client.workflowService.describeNamespace({ namespace });
  const beforeDays = Math.round(tsToMs(described.config?.workflowExecutionRetentionTtl) / DAY_MS);
  if (beforeDays === days) return { namespace, beforeDays, days, changed: false };
  await client.workflowService.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: msToTs(days * DAY_MS) } });
  return { namespace, beforeDays, days, changed: true };
}

/** What the namespace keeps now, in days (for the report and tests). */
export async function namespaceRetentionNow(client: Client): Promise<number> {
  const described = await client.workflowService.describeNamespace({ namespace: client.options.namespace });
  return tsToMs(described.config?.workflowExecutionRetentionTtl) / DAY_MS;
}
