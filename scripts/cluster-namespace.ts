/**
 * `make cluster`'s one-shot set-up of a real Temporal server (the dev server does this itself):
 * the namespace Caseworks runs in, and the custom search attributes of
 * src/workflows/search-attributes.ts (a case that upserts an unregistered one fails its workflow
 * task). Idempotent. Speaks to the frontend with TEMPORAL_API_KEY (a token with
 * `temporal-system:admin`); errors are printed and exit 1, never swallowed.
 *
 * Usage (compiled): TEMPORAL_ADDRESS=… TEMPORAL_API_KEY=… node dist/scripts/cluster-namespace.js [namespace]
 */
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { CASE_SEARCH_ATTRIBUTES } from '../src/workflows/search-attributes';

const INDEXED: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  FLOAT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
};
/** Until the worker sets it from the policy packs (TEMPORAL_NAMESPACE_RETENTION=policy). */
const INITIAL_RETENTION_SECONDS = 30 * 86_400;

async function main(): Promise<void> {
  const namespace = process.argv[2] ?? 'default';
  const apiKey = process.env.TEMPORAL_API_KEY;
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233', tls: false, ...(apiKey ? { apiKey } : {}) });
  try {
    try {
      await connection.workflowService.describeNamespace({ namespace });
    } catch (err) {
      if ((err as { code?: number }).code !== 5) throw err; // NOT_FOUND: create it
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(INITIAL_RETENTION_SECONDS * 1000) });
      process.stdout.write(`namespace ${namespace} created\n`);
    }
    await untilServed(connection, namespace);
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = CASE_SEARCH_ATTRIBUTES.filter((a) => !(a.name in (existing.customAttributes ?? {})));
    if (missing.length > 0) {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: Object.fromEntries(missing.map((a) => [a.name, INDEXED[a.type]])) });
    }
    process.stdout.write(`namespace ${namespace}: ${CASE_SEARCH_ATTRIBUTES.length} search attributes (${missing.length} added)\n`);
  } finally {
    await connection.close();
  }
}

/**
 * A new namespace reaches the other services' caches within seconds; until then their calls say
 * "namespace not found" (a worker starting then would stop). Waits until a list is answered.
 */
async function untilServed(connection: Connection, namespace: string): Promise<void> {
  const giveUpAt = Date.now() + 60_000;
  for (;;) {
    try {
      await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
      return;
    } catch (err) {
      if (Date.now() > giveUpAt) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`cluster set-up failed: ${(err as Error).message}\n`);
  process.exit(1);
});
