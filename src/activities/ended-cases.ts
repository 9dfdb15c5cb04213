import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { WebhookNotificationSender } from '../integrations/notify/webhook-sender';
import { ABNORMAL_EXECUTION_STATUSES, CaseEndHow, closeReasonOf } from '../temporal/case-end';
import { endedCaseKey } from '../workflows/ops/ended-case-key';
import { Brand, CaseKind, Priority } from '../workflows/search-attributes';

export interface EndedCasesDeps {
  dataSource: DataSource;
  logger: Logger;
  webhook?: WebhookNotificationSender;
  /** The client to list with; by default the worker's own (the activity's context). */
  visibilityClient?: () => Client;
}

/** The case kinds (CaseKind) and, for a case that ended before it set its CaseKind, their workflow types. */
export const CASE_KINDS = ['ticket', 'incident', 'takedown', 'takedown_preservation', 'refund', 'dispute', 'dunning'] as const;
const CASE_WORKFLOW_TYPES = ['ticketWorkflow', 'incidentWorkflow', 'takedownWorkflow', 'preservationWorkflow', 'refundWorkflow', 'disputeWorkflow', 'dunningWorkflow'];
const KIND_OF_TYPE: Record<string, string> = Object.fromEntries(CASE_WORKFLOW_TYPES.map((t, i) => [t, CASE_KINDS[i]]));

/** One run of a case's workflow that ended abnormally: IDs, kind and the operator's reason, no personal data. */
export interface EndedCaseRun {
  workflowId: string;
  runId: string;
  kind: string;
  brand: string | null;
  priority: string | null;
  how: CaseEndHow;
  reason: string | null;
  at: string;
}

export interface EndedCasesPage {
  /** Runs not yet told to operations, oldest first. */
  ended: EndedCaseRun[];
  /** The next sweep's watermark (CloseTime >= through). */
  through: string;
}

/** Visibility (Elasticsearch, SQL) may show a close a little after it happened: each window reaches back this far. */
const VISIBILITY_LAG_MS = 60_000;
/** The first sweep (no watermark carried): the last day. */
const FIRST_LOOKBACK_MS = 86_400_000;
/** Per sweep: executions listed, and runs told. More waits for the next sweep (the watermark stays). */
const MAX_LISTED = 2_000;
const MAX_TOLD = 100;

export function createEndedCasesActivities({ dataSource, logger, webhook, visibilityClient = () => Context.current().client }: EndedCasesDeps) {
  return {
    /**
     * Case workflows closed as Terminated, TimedOut, Failed or Canceled since the watermark, from
     * Temporal's visibility store, minus those already told (their notification row exists and,
     * with a webhook, was delivered). Each with the reason from its last history event.
     */
    async listEndedCases({ since }: { since: string | null }): Promise<EndedCasesPage> {
      const client = visibilityClient();
      const now = Date.now();
      const from = since ?? new Date(now - FIRST_LOOKBACK_MS).toISOString();
      const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
      const query =
        `ExecutionStatus IN (${quoted(Object.keys(ABNORMAL_EXECUTION_STATUSES))}) AND CloseTime >= '${from}'` +
        ` AND (CaseKind IN (${quoted(CASE_KINDS)}) OR WorkflowType IN (${quoted(CASE_WORKFLOW_TYPES)}))`;
      const found: Omit<EndedCaseRun, 'reason'>[] = [];
      let listed = 0;
      for await (const execution of client.workflow.list({ query, pageSize: 200 })) {
        if (++listed > MAX_LISTED) break;
        const how = ABNORMAL_EXECUTION_STATUSES[statusText(execution.status.name)];
        if (!how || !execution.closeTime) continue;
        const attributes = execution.typedSearchAttributes;
        found.push({
          workflowId: execution.workflowId,
          runId: execution.runId,
          kind: attributes.get(CaseKind) ?? KIND_OF_TYPE[execution.type] ?? execution.type,
          brand: attributes.get(Brand) ?? null,
          priority: attributes.get(Priority) ?? null,
          how,
          at: execution.closeTime.toISOString(),
        });
      }
      const told = await alreadyTold(dataSource, found.map((f) => endedCaseKey(f.workflowId, f.runId)), webhook !== undefined);
      const pending = found.filter((f) => !told.has(endedCaseKey(f.workflowId, f.runId))).sort((a, b) => a.at.localeCompare(b.at));
      const batch = pending.slice(0, MAX_TOLD);
      const ended: EndedCaseRun[] = [];
      for (const run of batch) ended.push({ ...run, reason: await closeReasonOf(client, run.workflowId, run.runId) });
      // Everything seen and told: the next window starts a little before now. Otherwise it stays,
      // and the runs told now are filtered out next time.
      const complete = listed <= MAX_LISTED && pending.length <= MAX_TOLD;
      const through = complete ? new Date(Math.max(Date.parse(from), now - VISIBILITY_LAG_MS)).toISOString() : from;
      logger.info({ listed: Math.min(listed, MAX_LISTED), pending: pending.length, told: ended.length, through }, 'ended cases swept');
      return { ended, through };
    },
  };
}

/** Visibility's spelling of a status (the client's enum names, e.g. TIMED_OUT → TimedOut, CANCELLED → Canceled). */
function statusText(name: string): string {
  if (name === 'CANCELLED') return 'Canceled';
  return name.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

async function alreadyTold(dataSource: DataSource, keys: string[], delivered: boolean): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  // With a webhook, a row whose delivery never succeeded is not told yet: the sweep sends it again (same key).
  const rows: { key: string }[] = await dataSource.query(
    `SELECT key FROM notifications WHERE key = ANY($1)${delivered ? ' AND delivered_at IS NOT NULL' : ''}`,
    [keys],
  );
  return new Set(rows.map((r) => r.key));
}
