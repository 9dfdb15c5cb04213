import { Injectable, Logger } from '@nestjs/common';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { ReadModelSealer } from '../../persistence/read-model-sealer';
import { caseKeyStoreFor } from '../../temporal/case-keys.store';
import { SubjectHasher } from '../../temporal/case-subject';
import type { Accessor } from '../access-log/accessor';
import { AccessLogService } from '../access-log/access-log.service';
import { Problem } from '../problem/problem';
import { ERASED, scrubJson } from './erasure.scrub';

/** What an erasure did, without the subject's data: the receipt the API answers and `erasures` keeps. */
export interface ErasureReceipt {
  erasureId: string;
  /** The subject's pseudonym (HMAC), the only name erasure keeps. */
  subjectHash: string;
  erasedAt: string;
  erasedBy: string;
  cases: Record<string, number>;
  caseIds: string[];
  keysDestroyed: number;
  casesTerminated: number;
  historiesDeleted: number;
  rowsScrubbed: number;
}

/** The reason recorded in the history of a case erasure ends: no personal data. */
export const ERASURE_TERMINATION_REASON = 'erased at the data subject’s request';

/**
 * A key made this long after its workflow started means the case's first payloads were sealed
 * with the master key only (cases opened before per-case keys): its history is deleted instead.
 */
const LEGACY_KEY_SLACK_MS = 60_000;

type Column = 'pseudonym' | 'erased' | 'null';
interface TablePlan {
  table: string;
  caseColumn: string;
  json: string[];
  text?: Record<string, Column>;
}

/**
 * The read model's personal data per table, for the subject's cases (find new columns with the
 * erasure e2e marker test). Rows written since sealing hold it sealed under the case keys erasure
 * destroys; the scrub tidies them too and is what reaches rows written in clear before sealing.
 */
const READ_MODEL: TablePlan[] = [
  { table: 'tickets', caseColumn: 'id', json: ['snapshot'], text: { customer_ref: 'pseudonym' } },
  { table: 'ticket_events', caseColumn: 'ticket_id', json: ['data'] },
  { table: 'ticket_checks', caseColumn: 'ticket_id', json: ['findings', 'advice', 'evidence'] },
  { table: 'notifications', caseColumn: 'ticket_id', json: ['payload'], text: { recipient: 'null', summary: 'erased' } },
  { table: 'sla_credits', caseColumn: 'ticket_id', json: [], text: { customer_ref: 'pseudonym', customer_ref_sealed: 'null' } },
  { table: 'billing_cases', caseColumn: 'id', json: ['snapshot'], text: { customer_ref: 'pseudonym' } },
  { table: 'billing_case_events', caseColumn: 'case_id', json: ['data'] },
  { table: 'crm_updates', caseColumn: 'case_id', json: ['data'], text: { customer_ref: 'pseudonym' } },
  { table: 'takedowns', caseColumn: 'id', json: ['snapshot'], text: { notice: 'null' } },
  { table: 'takedown_events', caseColumn: 'case_id', json: ['data'] },
  { table: 'takedown_communications', caseColumn: 'case_id', json: ['body'], text: { recipient: 'erased' } },
  { table: 'content_actions', caseColumn: 'case_id', json: ['item'] },
];

const KIND_OF_PREFIX: Record<string, string> = { ticket: 'ticket', refund: 'refund', dispute: 'dispute', dunning: 'dunning', takedown: 'takedown' };

/**
 * POST /v1/privacy/subjects/{customerRef}/erase. Finds the subject's cases (by the subject hash
 * recorded when each was opened, and by the reference in the read model), refuses when a legal
 * hold covers one, ends the open ones, destroys their data keys (crypto-shredding: their
 * payloads in Temporal histories and backups become unreadable), scrubs the read model's personal
 * data, and keeps a receipt. Erasing again returns the earlier receipt.
 */
@Injectable()
export class ErasureService {
  private readonly logger = new Logger(ErasureService.name);
  private readonly hasher?: SubjectHasher;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly temporal: Client,
    private readonly accessLog: AccessLogService,
    private readonly sealer: ReadModelSealer,
  ) {
    if (config.PAYLOAD_ENCRYPTION_KEY) this.hasher = SubjectHasher.fromBase64(config.PAYLOAD_ENCRYPTION_KEY);
  }

  async erase(customerRef: string, accessor: Accessor): Promise<{ receipt: ErasureReceipt; replayed: boolean }> {
    const ref = customerRef.trim();
    if (ref === '' || ref.length > 320) throw Problem.validation([{ field: 'customerRef', message: 'must be 1 to 320 characters' }]);
    if (!this.hasher) {
      // Without the payload key nothing is sealed per case: an erasure could not reach the histories.
      throw Problem.conflict('erasure-unavailable', 'erasure needs per-case payload keys: PAYLOAD_ENCRYPTION_KEY is not set');
    }
    const subjectHash = this.hasher.hash(ref);
    const caseIds = await this.casesOf(subjectHash, ref);
    if (caseIds.length === 0) {
      const earlier = await this.latestReceipt(subjectHash);
      if (earlier) return { receipt: earlier, replayed: true };
      // Nothing held, nothing erased: no receipt (it would be the only row naming this subject).
      await this.accessLog.record({ ...accessor, operation: 'privacy.erase', caseId: null, caseKind: null, fields: ['erasure'] });
      throw new Problem(404, 'not-found', 'Not found', 'nothing is held about this data subject');
    }
    await this.refuseHeldCases(caseIds);

    const ended = await this.endCases(caseIds);
    const receipt = await this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`erasure:${subjectHash}`]);
      const keysDestroyed = await this.destroyKeys(m, caseIds, subjectHash);
      const rowsScrubbed = await this.scrub(m, caseIds, ref, subjectHash);
      // The built-in CRM's record of the subject (an outside CRM erases by its own process), and the signals raised about them.
      await m.query(`DELETE FROM customers WHERE customer_ref = $1`, [ref]);
      await m.query(`DELETE FROM customer_signals WHERE customer_ref = ANY($1)`, [this.sealer.refMatches(ref)]);
      const [row] = (await m.query(
        `INSERT INTO erasures (subject_hash, erased_by, erased_by_role, case_ids, cases_by_kind, keys_destroyed, cases_terminated, histories_deleted, rows_scrubbed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
        [subjectHash, accessor.actor, accessor.role, caseIds, JSON.stringify(countByKind(caseIds)), keysDestroyed, ended.terminated, ended.historiesDeleted, rowsScrubbed],
      )) as ErasureRow[];
      return receiptOf(row);
    });
    // This process stops using the keys now; the worker's and other API processes' caches within seconds.
    caseKeyStoreFor(this.config)?.forget(caseIds);
    for (const caseId of caseIds) {
      await this.accessLog.record({ ...accessor, operation: 'privacy.erase', caseId, caseKind: kindOf(caseId), fields: ['erasure'] });
    }
    this.logger.log(`erasure ${receipt.erasureId}: ${caseIds.length} case(s), ${receipt.keysDestroyed} key(s) destroyed`);
    return { receipt, replayed: false };
  }

  /**
   * Cases whose key is still live: by the subject hash on their key, and by the reference in the
   * read model (its pseudonym; the reference itself, or a notifier's e-mail, in rows written before sealing).
   */
  private async casesOf(subjectHash: string, ref: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT case_id AS id FROM case_keys WHERE subject_hash = $1 AND destroyed_at IS NULL
       UNION SELECT id FROM tickets WHERE customer_ref = ANY($2)
       UNION SELECT id FROM billing_cases WHERE customer_ref = ANY($2)
       UNION SELECT id FROM takedowns WHERE lower(notice->'notifier'->>'email') = lower($3)`,
      [subjectHash, this.sealer.refMatches(ref), ref],
    )) as { id: string }[];
    return rows.map((r) => r.id).sort();
  }

  /** A preservation (legal hold) not yet released blocks the whole erasure: nothing is destroyed. */
  private async refuseHeldCases(caseIds: string[]): Promise<void> {
    if (caseIds.length === 0) return;
    const holds = (await this.dataSource.query(
      `SELECT id, case_id, state, expires_at FROM takedown_preservations WHERE case_id = ANY($1) AND state <> 'released' ORDER BY id`,
      [caseIds],
    )) as { id: string; case_id: string; state: string; expires_at: Date }[];
    if (holds.length === 0) return;
    throw Problem.conflict('legal-hold', `legal hold ${holds.map((h) => h.id).join(', ')} preserves case ${[...new Set(holds.map((h) => h.case_id))].join(', ')}; nothing was erased`, {
      holds: holds.map((h) => ({ holdId: h.id, caseId: h.case_id, state: h.state, expiresAt: new Date(h.expires_at).toISOString() })),
    });
  }

  /**
   * Open cases are terminated (the reason holds no personal data): a running workflow would go on
   * writing payloads the erasure cannot reach. Cases opened before per-case keys have histories
   * the master key alone opens: those executions are deleted.
   */
  private async endCases(caseIds: string[]): Promise<{ terminated: number; historiesDeleted: number }> {
    let terminated = 0;
    let historiesDeleted = 0;
    const keyMade = new Map(
      ((await this.dataSource.query(`SELECT case_id, created_at FROM case_keys WHERE case_id = ANY($1)`, [caseIds])) as { case_id: string; created_at: Date }[]).map((r) => [
        r.case_id,
        new Date(r.created_at).getTime(),
      ]),
    );
    for (const caseId of caseIds) {
      const handle = this.temporal.workflow.getHandle(caseId);
      let described;
      try {
        described = await handle.describe();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) continue; // past retention: no history left
        throw err;
      }
      if (described.status.name === 'RUNNING') {
        try {
          await handle.terminate(ERASURE_TERMINATION_REASON);
          terminated += 1;
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err; // closed meanwhile
        }
      }
      const made = keyMade.get(caseId);
      if (made === undefined || made > described.startTime.getTime() + LEGACY_KEY_SLACK_MS) {
        await this.temporal.workflowService.deleteWorkflowExecution({ namespace: this.config.TEMPORAL_NAMESPACE, workflowExecution: { workflowId: caseId } });
        historiesDeleted += 1;
      }
    }
    return { terminated, historiesDeleted };
  }

  /** Keys are wiped, rows kept (destroyed_at): a destroyed case is never given a fresh key. */
  private async destroyKeys(m: EntityManager, caseIds: string[], subjectHash: string): Promise<number> {
    const rows = (await m.query(
      `INSERT INTO case_keys (case_id, subject_hash, wrapped_key, destroyed_at)
       SELECT id, $2, NULL, now() FROM unnest($1::text[]) AS id
       ON CONFLICT (case_id) DO UPDATE SET wrapped_key = NULL, destroyed_at = now(), subject_hash = COALESCE(case_keys.subject_hash, EXCLUDED.subject_hash)
       WHERE case_keys.destroyed_at IS NULL
       RETURNING case_id`,
      [caseIds, subjectHash],
    )) as unknown[];
    return rows.length;
  }

  /**
   * Personal data out of the read model: references replaced by the subject's pseudonym (credits
   * and CRM rows still add up per customer), free text and names by "[erased]". The append-only
   * event tables let this UPDATE through only inside this transaction (migration 1765500000000).
   */
  private async scrub(m: EntityManager, caseIds: string[], ref: string, subjectHash: string): Promise<number> {
    if (caseIds.length === 0) return 0;
    const pseudonym = `erased:${subjectHash.slice(0, 16)}`;
    await m.query(`SELECT set_config('caseworks.erasure', 'on', true)`);
    let scrubbed = 0;
    for (const plan of READ_MODEL) {
      const columns = [...plan.json, ...Object.keys(plan.text ?? {})];
      const rows = (await m.query(`SELECT ctid::text AS row_ref, ${plan.json.join(', ') || 'NULL AS none'} FROM ${plan.table} WHERE ${plan.caseColumn} = ANY($1) FOR UPDATE`, [
        caseIds,
      ])) as Record<string, unknown>[];
      for (const row of rows) {
        const values: unknown[] = [row.row_ref];
        const sets = columns.map((column) => {
          const replacement = plan.text?.[column];
          if (replacement === undefined) {
            values.push(row[column] === null ? null : JSON.stringify(scrubJson(row[column])));
            return `${column} = $${values.length}::jsonb`;
          }
          if (replacement === 'null') return `${column} = NULL`;
          values.push(replacement === 'pseudonym' ? pseudonym : ERASED);
          return `${column} = $${values.length}`;
        });
        await m.query(`UPDATE ${plan.table} SET ${sets.join(', ')} WHERE ctid = $1::tid`, values);
        scrubbed += 1;
      }
    }
    // An actor column naming the customer (a customer's own message) is a reference too.
    for (const [table, caseColumn] of [['ticket_events', 'ticket_id'], ['billing_case_events', 'case_id'], ['takedown_events', 'case_id']] as const) {
      await m.query(`UPDATE ${table} SET actor = $3 WHERE ${caseColumn} = ANY($1) AND actor = ANY($2)`, [caseIds, this.sealer.refMatches(ref), pseudonym]);
    }
    await m.query(`SELECT set_config('caseworks.erasure', 'off', true)`);
    return scrubbed;
  }

  private async latestReceipt(subjectHash: string): Promise<ErasureReceipt | undefined> {
    const [row] = (await this.dataSource.query(`SELECT * FROM erasures WHERE subject_hash = $1 ORDER BY erased_at DESC LIMIT 1`, [subjectHash])) as ErasureRow[];
    return row ? receiptOf(row) : undefined;
  }
}

interface ErasureRow {
  id: string;
  subject_hash: string;
  erased_at: Date;
  erased_by: string;
  case_ids: string[];
  cases_by_kind: Record<string, number>;
  keys_destroyed: number;
  cases_terminated: number;
  histories_deleted: number;
  rows_scrubbed: number;
}

function receiptOf(row: ErasureRow): ErasureReceipt {
  return {
    erasureId: row.id,
    subjectHash: row.subject_hash,
    erasedAt: new Date(row.erased_at).toISOString(),
    erasedBy: row.erased_by,
    cases: row.cases_by_kind,
    caseIds: row.case_ids,
    keysDestroyed: row.keys_destroyed,
    casesTerminated: row.cases_terminated,
    historiesDeleted: row.histories_deleted,
    rowsScrubbed: row.rows_scrubbed,
  };
}

function kindOf(caseId: string): string {
  return KIND_OF_PREFIX[caseId.split('-')[0]] ?? 'other';
}

function countByKind(caseIds: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const id of caseIds) counts[kindOf(id)] = (counts[kindOf(id)] ?? 0) + 1;
  return counts;
}
