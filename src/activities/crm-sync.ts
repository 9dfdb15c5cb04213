import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { mirroredCase, MirroredKind, MirrorSource } from '../domain/customer/crm-mirror';
import { CrmRefusedError, type CrmPort } from '../integrations/crm/crm-port';
import type { ReadModelSealer } from '../persistence/read-model-sealer';

export interface CrmSyncDeps {
  dataSource: DataSource;
  logger: Logger;
  sealer: ReadModelSealer;
  /** The outside CRM cases are mirrored into; absent (the built-in CRM): nothing to mirror to. */
  crmSync?: CrmPort;
  /** The API's public address, for the links back from the CRM to each case (publicApiUrl). */
  apiBaseUrl: string;
}

/** One case row changed since the CRM last saw it. */
interface ChangedRow {
  kind: MirroredKind;
  id: string;
  status: string;
  priority: string | null;
  version: string | null;
  updated_at: Date;
  snapshot: Record<string, unknown>;
}

export interface CrmSyncResult {
  pushed: number;
  created: number;
  refused: number;
  /** Where the next run's window starts. */
  since: string;
}

/**
 * Late read-model writes (a write retried while PostgreSQL was away carries its event's time) are
 * caught by starting each window this long before the previous run started; cases already
 * mirrored at their version are skipped, so the overlap costs a query, not a CRM call.
 */
const OVERLAP_MS = 15 * 60_000;
const PAGE = 100;

// Every mirrored kind as one row shape; a case whose CRM copy shows its current version is left out.
const CHANGED_SQL = `
  SELECT c.* FROM (
    SELECT 'ticket' AS kind, id, status, priority, version, updated_at, snapshot FROM tickets
    UNION ALL SELECT 'incident', id, status, priority, version, updated_at, snapshot FROM incidents
    UNION ALL SELECT kind, id, state, NULL, version, updated_at, snapshot FROM billing_cases
  ) c
  LEFT JOIN crm_links l ON l.case_id = c.id
  WHERE ($1::timestamptz IS NULL OR c.updated_at >= $1 OR l.needs_push)
    AND (l.case_id IS NULL OR l.needs_push OR l.synced_updated_at IS DISTINCT FROM c.updated_at OR l.synced_version IS DISTINCT FROM c.version)
    AND ($2::timestamptz IS NULL OR (c.updated_at, c.id) > ($2::timestamptz, $3::text))
  ORDER BY c.updated_at, c.id
  LIMIT ${PAGE}`;

export function createCrmSyncActivities({ dataSource, logger, sealer, crmSync, apiBaseUrl }: CrmSyncDeps) {
  /** One case into the CRM, keyed by its ID (a retry or a crash never makes a second), and the link kept. */
  async function push(row: ChangedRow): Promise<'created' | 'updated' | 'refused'> {
    const opened = (await sealer.open(row.snapshot)) ?? {};
    const source: MirrorSource = { kind: row.kind, id: row.id, status: row.status, priority: row.priority, snapshot: opened };
    let crmId = '';
    let created = false;
    let error: string | null = null;
    try {
      ({ crmId, created } = await crmSync!.upsertCase(mirroredCase(source, apiBaseUrl)));
    } catch (err) {
      // The CRM refusing this case (a property it rejects) must not hold every later case back: it is recorded and skipped until the case changes.
      if (!(err instanceof CrmRefusedError)) throw err;
      error = `HTTP ${err.status}: ${err.message}`;
      logger.warn({ caseId: row.id, kind: row.kind, status: err.status }, 'the CRM refused a case');
    }
    await dataSource.query(
      `INSERT INTO crm_links (case_id, kind, crm_id, synced_version, synced_updated_at, synced_at, last_error)
       VALUES ($1, $2, CASE WHEN $3 = '' THEN 'unsynced:' || $1 ELSE $3 END, $4, $5, now(), $6)
       ON CONFLICT (case_id) DO UPDATE SET crm_id = CASE WHEN $3 = '' THEN crm_links.crm_id ELSE $3 END,
         synced_version = EXCLUDED.synced_version, synced_updated_at = EXCLUDED.synced_updated_at, synced_at = now(), last_error = EXCLUDED.last_error, needs_push = false`,
      [row.id, row.kind, crmId, row.version, row.updated_at, error],
    );
    return error ? 'refused' : created ? 'created' : 'updated';
  }

  return {
    /**
     * Mirrors every case changed since the last run into the CRM (tickets, incidents, refunds,
     * disputes, dunning), oldest change first. A CRM that is down fails the run where it stopped;
     * the next run starts over from the same window and skips what already went.
     */
    async syncCasesToCrm({ name = 'default', since: firstSince = null }: { name?: string; since?: string | null } = {}): Promise<CrmSyncResult> {
      if (!crmSync) throw ApplicationFailure.nonRetryable('no outside CRM is configured (CRM_PROVIDER=built-in): nothing to mirror to', 'CrmNotConfigured');
      const startedAt = new Date();
      const [state]: { since: Date | null }[] = await dataSource.query(`SELECT since FROM crm_sync_state WHERE name = $1`, [name]);
      const since = state ? state.since : firstSince === null ? null : new Date(firstSince);
      const result = { pushed: 0, created: 0, refused: 0 };
      let after: ChangedRow | null = null;
      for (;;) {
        const rows: ChangedRow[] = await dataSource.query(CHANGED_SQL, [since, after?.updated_at ?? null, after?.id ?? null]);
        for (const row of rows) {
          const outcome = await push(row);
          // A worker that dies mid-run is noticed within the heartbeat timeout, and the run retried elsewhere.
          Context.current().heartbeat(result.pushed);
          result.pushed++;
          if (outcome === 'created') result.created++;
          if (outcome === 'refused') result.refused++;
        }
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1];
      }
      const next = new Date(startedAt.getTime() - OVERLAP_MS);
      await dataSource.query(
        `INSERT INTO crm_sync_state (name, since, ran_at) VALUES ($1, $2, now()) ON CONFLICT (name) DO UPDATE SET since = EXCLUDED.since, ran_at = now()`,
        [name, next],
      );
      logger.info({ crm: crmSync.name, ...result }, 'cases mirrored into the CRM');
      return { ...result, since: next.toISOString() };
    },
  };
}
