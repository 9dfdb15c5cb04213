import { Context } from '@temporalio/activity';
import { Client, isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import {
  ENDED_DISPUTE_STATES,
  ENDED_DUNNING_STATES,
  ENDED_REFUND_STATES,
  ENDED_TAKEDOWN_STATES,
  PURGE_KINDS,
  PurgeKind,
} from '../domain/retention/purge-kinds';
import { accessLogRetentionMonths } from '../domain/retention/access-log-retention';
import { DEFAULT_RETENTION, isPastRetention, latestPurgeable, RetentionPolicy } from '../domain/retention/retention';

export interface RetentionDeps {
  dataSource: DataSource;
  logger: Logger;
  /** Each brand's retention, from the policy packs (read when a run starts, so a run uses one version). */
  retentionPolicies?: () => Record<string, RetentionPolicy>;
  /** The client that describes and deletes executions; by default the worker's own (the activity's context). */
  retentionClient?: () => Client;
  /** ACCESS_LOG_RETENTION_MONTHS; unset: the longest case retention in the policies (access-log-retention.ts). */
  accessLogRetentionMonths?: number;
}

/** Where a kind's scan stopped: the last case looked at, in (closed_at, id) order. */
export interface PurgeCursor {
  closedAt: string;
  id: string;
}

export interface PurgeBatchInput {
  runId: string;
  /** The run's "now" (ISO 8601): one instant for the whole run, from the workflow's clock or its input. */
  asOf: string;
  kind: PurgeKind;
  after: PurgeCursor | null;
  policies: Record<string, RetentionPolicy>;
  batchSize: number;
}

export interface PurgeBatchResult {
  cases: number;
  events: number;
  executions: number;
  keptHeld: number;
  keptRunning: number;
  /** Looked at in this batch (purged or kept). */
  scanned: number;
  /** Where the next batch starts; null: this kind is done for the run. */
  next: PurgeCursor | null;
}

interface Candidate {
  id: string;
  brand: string;
  closed_at: Date;
  customer_ref: string | null;
  plan: string | null;
  held: boolean;
}

interface KindTable {
  /** The snapshot table and what "ended, and when" means for it. */
  table: string;
  closedAt: string;
  ended: string;
  customerRef: string;
  plan: string;
  held: string;
  /** retention_purge_case_events' kind, when the case has a history table. */
  eventsKind: 'ticket' | 'incident' | 'billing' | 'takedown' | null;
  /** Rows about the case in other tables (table, column), deleted with it. */
  related: [string, string][];
}

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const COMMON: [string, string][] = [
  ['notifications', 'ticket_id'],
  ['idempotency_requests', 'case_id'],
];

/** One entry per kind: the read model's tables differ, the purge does not. */
const KINDS: Record<PurgeKind, KindTable> = {
  ticket: {
    table: 'tickets',
    closedAt: 'closed_at',
    ended: 'c.closed_at IS NOT NULL',
    customerRef: 'customer_ref',
    plan: 'plan',
    held: 'false',
    eventsKind: 'ticket',
    related: [...COMMON, ['ticket_checks', 'ticket_id']],
  },
  incident: { table: 'incidents', closedAt: 'closed_at', ended: 'c.closed_at IS NOT NULL', customerRef: 'NULL', plan: 'NULL', held: 'false', eventsKind: 'incident', related: [...COMMON, ['pages', 'incident_id'], ['backlog_items', 'incident_id']] },
  refund: billingKind('refund', ENDED_REFUND_STATES),
  dispute: billingKind('dispute', ENDED_DISPUTE_STATES),
  dunning: billingKind('dunning', ENDED_DUNNING_STATES),
  takedown: {
    table: 'takedowns',
    closedAt: 'updated_at',
    ended: `c.state IN (${list(ENDED_TAKEDOWN_STATES)})`,
    customerRef: 'NULL',
    plan: 'NULL',
    // An authority's preservation hold that has not been released keeps the whole case.
    held: `EXISTS (SELECT 1 FROM takedown_preservations h WHERE h.case_id = c.id AND h.state <> 'released')`,
    eventsKind: 'takedown',
    related: [...COMMON, ['content_actions', 'case_id'], ['takedown_communications', 'case_id']],
  },
  // The hold's own history lives in its case's takedown_events, purged with the case.
  takedown_preservation: { table: 'takedown_preservations', closedAt: 'released_at', ended: `c.state = 'released' AND c.released_at IS NOT NULL`, customerRef: 'NULL', plan: 'NULL', held: 'false', eventsKind: null, related: [['notifications', 'ticket_id']] },
};

function billingKind(kind: string, ended: readonly string[]): KindTable {
  return {
    table: 'billing_cases',
    closedAt: 'updated_at',
    ended: `c.kind = '${kind}' AND c.state IN (${list(ended)})`,
    // A dispute's customer_ref is the disputed charge: it matches no ticket, so the brand's default applies.
    customerRef: 'customer_ref',
    plan: 'NULL',
    held: 'false',
    eventsKind: 'billing',
    related: [...COMMON, ['crm_updates', 'case_id']],
  };
}

export interface AccessLogPurgeInput {
  runId: string;
  asOf: string;
  /** The run's pinned policies: the access log's retention follows the longest case retention in them. */
  policies: Record<string, RetentionPolicy>;
  batchSize: number;
}

export interface AccessLogPurgeResult {
  /** Entries deleted by this batch. */
  entries: number;
  /** Entries older than the cutoff remain: call again. */
  more: boolean;
  retentionMonths: number;
  cutoff: string;
}

export function createRetentionActivities({ dataSource, logger, retentionPolicies = () => ({}), retentionClient = () => Context.current().client, accessLogRetentionMonths: configuredAccessLogMonths }: RetentionDeps) {
  return {
    /** Opens the run's rows in retention_purges (zero counts; kept as they are on a retry) and pins the policies it applies. */
    async beginRetentionPurge({ runId, asOf }: { runId: string; asOf: string }): Promise<{ policies: Record<string, RetentionPolicy> }> {
      await dataSource.query(
        `INSERT INTO retention_purges (run_id, kind, as_of) SELECT $1, k, $2 FROM unnest($3::text[]) AS k ON CONFLICT (run_id, kind) DO NOTHING`,
        [runId, new Date(asOf), [...PURGE_KINDS]],
      );
      return { policies: retentionPolicies() };
    },

    /**
     * One bounded batch of one kind: the next `batchSize` ended cases (in closed_at, id order)
     * closed before the brand's default retention ran out, each checked against its own
     * retention (its customer's plans), its legal holds and its workflow. Closed executions are
     * deleted first, then — in one transaction with the counts — the case's rows. A crash before
     * the commit leaves everything to the retry (same cursor); after it, the rows are gone and are
     * neither found nor counted again.
     */
    async purgeRetentionBatch(input: PurgeBatchInput): Promise<PurgeBatchResult> {
      const k = KINDS[input.kind];
      const now = Date.parse(input.asOf);
      const brands = Object.keys(input.policies);
      const latest = brands.map((b) => new Date(latestPurgeable(now, input.policies[b].defaultMonths)));
      const fallback = new Date(latestPurgeable(now, DEFAULT_RETENTION.defaultMonths));
      const candidates: Candidate[] = await dataSource.query(
        `SELECT c.id, c.brand, c.${k.closedAt} AS closed_at, ${k.customerRef === 'NULL' ? 'NULL' : `c.${k.customerRef}`} AS customer_ref,
                ${k.plan === 'NULL' ? 'NULL' : `c.${k.plan}`} AS plan, ${k.held} AS held
           FROM ${k.table} c
           LEFT JOIN unnest($1::text[], $2::timestamptz[]) AS b(brand, latest) ON b.brand = c.brand
          WHERE ${k.ended}
            AND c.${k.closedAt} <= coalesce(b.latest, $3)
            AND ($4::timestamptz IS NULL OR (c.${k.closedAt}, c.id) > ($4::timestamptz, $5::text))
          ORDER BY c.${k.closedAt}, c.id
          LIMIT $6`,
        [brands, latest, fallback, input.after ? new Date(input.after.closedAt) : null, input.after?.id ?? null, input.batchSize],
      );
      const result: PurgeBatchResult = { cases: 0, events: 0, executions: 0, keptHeld: 0, keptRunning: 0, scanned: candidates.length, next: null };
      if (candidates.length === 0) return result;
      const last = candidates[candidates.length - 1];
      result.next = candidates.length < input.batchSize ? null : { closedAt: last.closed_at.toISOString(), id: last.id };

      const plans = await customerPlans(dataSource, candidates);
      const due: string[] = [];
      for (const c of candidates) {
        const policy = input.policies[c.brand] ?? DEFAULT_RETENTION;
        const held = plans.get(`${c.brand}\u0000${c.customer_ref}`) ?? [];
        if (!isPastRetention(c.closed_at.getTime(), now, policy, [c.plan, ...held])) continue;
        if (c.held) {
          result.keptHeld++;
          continue;
        }
        due.push(c.id);
      }

      // Temporal first: a case whose workflow still runs is not over (a late counter-notice, a
      // reopen) and is kept; a closed execution is deleted before its rows, so a crash between the
      // two leaves rows the next attempt finds (the execution then reads as gone).
      const client = retentionClient();
      const purge: string[] = [];
      for (const id of due) {
        const gone = await deleteClosedExecution(client, id);
        if (gone === 'running') {
          result.keptRunning++;
          continue;
        }
        if (gone === 'deleted') result.executions++;
        purge.push(id);
      }

      await dataSource.transaction(async (tx) => {
        const deleted = await deleteCases(tx, k, purge);
        result.cases = deleted.cases;
        result.events = deleted.events;
        await tx.query(
          `UPDATE retention_purges SET cases = cases + $3, events = events + $4, executions = executions + $5,
                  kept_held = kept_held + $6, kept_running = kept_running + $7, updated_at = now()
            WHERE run_id = $1 AND kind = $2`,
          [input.runId, input.kind, result.cases, result.events, result.executions, result.keptHeld, result.keptRunning],
        );
      });
      logger.info({ runId: input.runId, kind: input.kind, scanned: result.scanned, purged: result.cases, events: result.events, keptHeld: result.keptHeld, keptRunning: result.keptRunning }, 'retention batch');
      return result;
    },

    /**
     * One bounded batch of the access log: entries older than the run's cutoff (asOf minus the
     * access log's retention), oldest first, at most about `batchSize` of them, deleted through
     * purge_access_log — the table's only way out — in one transaction with the run's count.
     * The batch ends just after the batchSize-th oldest entry's instant (microseconds, in SQL),
     * so entries sharing that instant go together and every batch makes progress. The cutoff is
     * also held at the database's own floor (12 months before its clock), so a run whose asOf is
     * ahead of the database never asks for a cutoff it refuses.
     */
    async purgeAccessLogBatch(input: AccessLogPurgeInput): Promise<AccessLogPurgeResult> {
      const months = accessLogRetentionMonths(Object.values(input.policies), configuredAccessLogMonths);
      // Entries at or before latestPurgeable are past retention; purge_access_log deletes those strictly before its cutoff.
      const cutoff = new Date(latestPurgeable(Date.parse(input.asOf), months) + 1);
      return dataSource.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO retention_access_log_purges (run_id, as_of, retention_months, cutoff) VALUES ($1, $2, $3, $4) ON CONFLICT (run_id) DO NOTHING`,
          [input.runId, new Date(input.asOf), months, cutoff],
        );
        const [{ purged }]: { purged: string }[] = await tx.query(
          `WITH lim AS (SELECT least($1::timestamptz, now() - interval '12 months') AS cutoff),
                edge AS (SELECT a.occurred_at + interval '1 microsecond' AS bound FROM access_log a, lim
                          WHERE a.occurred_at < lim.cutoff ORDER BY a.occurred_at OFFSET $2 - 1 LIMIT 1)
           SELECT purge_access_log(least((SELECT cutoff FROM lim), coalesce((SELECT bound FROM edge), 'infinity'))) AS purged`,
          [cutoff, input.batchSize],
        );
        const [{ more }]: { more: boolean }[] = await tx.query(
          `SELECT EXISTS (SELECT 1 FROM access_log WHERE occurred_at < least($1::timestamptz, now() - interval '12 months')) AS more`,
          [cutoff],
        );
        const entries = Number(purged);
        await tx.query(`UPDATE retention_access_log_purges SET entries = entries + $2, updated_at = now() WHERE run_id = $1`, [input.runId, entries]);
        logger.info({ runId: input.runId, purged: entries, more, retentionMonths: months, cutoff: cutoff.toISOString() }, 'access log retention batch');
        return { entries, more, retentionMonths: months, cutoff: cutoff.toISOString() };
      });
    },

    /** Marks the run finished (idempotent: the first finish time stays). */
    async finishRetentionPurge({ runId }: { runId: string }): Promise<void> {
      await dataSource.query(`UPDATE retention_purges SET finished_at = coalesce(finished_at, now()) WHERE run_id = $1`, [runId]);
    },
  };
}

/** Every plan each candidate's customer holds in the brand (from their tickets): a contract's retention covers all their cases. */
async function customerPlans(dataSource: DataSource, candidates: Candidate[]): Promise<Map<string, string[]>> {
  const refs = candidates.filter((c) => c.customer_ref !== null);
  if (refs.length === 0) return new Map();
  const rows: { brand: string; customer_ref: string; plans: string[] }[] = await dataSource.query(
    `SELECT t.brand, t.customer_ref, array_agg(DISTINCT t.plan) AS plans
       FROM tickets t JOIN unnest($1::text[], $2::text[]) AS r(brand, customer_ref) ON r.brand = t.brand AND r.customer_ref = t.customer_ref
      WHERE t.plan IS NOT NULL GROUP BY 1, 2`,
    [refs.map((c) => c.brand), refs.map((c) => c.customer_ref)],
  );
  return new Map(rows.map((r) => [`${r.brand}\u0000${r.customer_ref}`, r.plans]));
}

async function deleteCases(tx: EntityManager, k: KindTable, ids: string[]): Promise<{ cases: number; events: number }> {
  if (ids.length === 0) return { cases: 0, events: 0 };
  for (const [table, column] of k.related) await tx.query(`DELETE FROM ${table} WHERE ${column} = ANY($1)`, [ids]);
  const removed: unknown[] = await tx.query(`DELETE FROM ${k.table} WHERE id = ANY($1) RETURNING id`, [ids]);
  let events = 0;
  if (k.eventsKind) {
    const [row]: { n: number }[] = await tx.query(`SELECT retention_purge_case_events($1, $2) AS n`, [k.eventsKind, ids]);
    events = row.n;
  }
  // node-postgres returns [rows, count] for DELETE … RETURNING through TypeORM's query().
  const cases = Array.isArray(removed[0]) ? (removed[0] as unknown[]).length : removed.length;
  // The case's data key (crypto-shredding, migration 1765500000000), when there is one: copies of
  // its history in backups become unreadable too. The row stays, as erasure leaves it, so the case
  // ID can never get a fresh key.
  const [{ keys }]: { keys: string | null }[] = await tx.query(`SELECT to_regclass('case_keys')::text AS keys`);
  if (keys) await tx.query(`UPDATE case_keys SET wrapped_key = NULL, destroyed_at = now() WHERE case_id = ANY($1) AND destroyed_at IS NULL`, [ids]);
  return { cases, events };
}

const GRPC_NOT_FOUND = 5;

/** 'running': left alone. 'deleted': a closed execution was deleted. 'absent': none (aged out, or never started). */
async function deleteClosedExecution(client: Client, workflowId: string): Promise<'running' | 'deleted' | 'absent'> {
  let runId: string;
  try {
    const described = await client.workflow.getHandle(workflowId).describe();
    if (described.status.name === 'RUNNING') return 'running';
    runId = described.runId;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'absent';
    throw err;
  }
  try {
    await client.workflowService.deleteWorkflowExecution({ namespace: client.options.namespace, workflowExecution: { workflowId, runId } });
    return 'deleted';
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND) return 'absent';
    throw err;
  }
}
