import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { unavailableDependency } from '../resilience/dependency-errors';
import { OUTAGE_RETRY_AFTER_SECONDS } from '../resilience/dependency-unavailable';
import type { AccessEntry } from './access-entry';

export type { AccessEntry } from './access-entry';

/** Field names are identifiers, not text: anything else (a value passed by mistake) is dropped. */
const FIELD_NAME = /^[A-Za-z_][\w.-]{0,127}$/;
const MAX_FIELDS = 64;

/**
 * Appends to access_log. One INSERT per access, awaited by the caller, so the entry exists before
 * the answer leaves. Fails open: when PostgreSQL cannot take the entry (the wait is bounded by
 * DATABASE_CONNECT_TIMEOUT_MS / DATABASE_QUERY_TIMEOUT_MS), the entry goes to the process log
 * instead — it holds names and IDs, never case data — and the caller's request goes on: a
 * database outage must not stop people reading and handling incidents, and the entry is not lost.
 * Once a write found PostgreSQL unreachable, entries go straight to the process log for the next
 * few seconds (OUTAGE_RETRY_AFTER_SECONDS), so an outage does not add a connect timeout to every call.
 */
@Injectable()
export class AccessLogService {
  /** Until when (epoch ms) PostgreSQL is taken as unreachable and not tried. */
  private unreachableUntil = 0;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(AccessLogService.name);
  }

  async record(entry: AccessEntry): Promise<void> {
    const row = {
      actor: entry.actor,
      actorId: entry.actorId ?? null,
      role: entry.role,
      via: entry.via ?? (entry.role === 'system' ? 'system' : 'api-key'),
      caseId: entry.caseId,
      caseKind: entry.caseKind,
      operation: entry.operation,
      fields: entry.fields ? [...new Set(entry.fields.filter((f) => FIELD_NAME.test(f)))].slice(0, MAX_FIELDS) : null,
      address: entry.address,
      requestId: entry.requestId ?? null,
      status: entry.status ?? null,
    };
    if (Date.now() < this.unreachableUntil) return this.keepInProcessLog(row, 'postgresql-unavailable');
    try {
      await this.dataSource.query(
        `INSERT INTO access_log (actor, actor_id, role, via, case_id, case_kind, operation, fields, address, request_id, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [row.actor, row.actorId, row.role, row.via, row.caseId, row.caseKind, row.operation, row.fields, row.address, row.requestId, row.status],
      );
    } catch (err) {
      if (unavailableDependency(err) === 'postgresql') this.unreachableUntil = Date.now() + OUTAGE_RETRY_AFTER_SECONDS * 1000;
      // The SQLSTATE or error class only: a driver error's own fields carry the query parameters.
      this.keepInProcessLog(row, (err as { code?: string }).code ?? (err as Error).name);
    }
  }

  private keepInProcessLog(row: Record<string, unknown>, error: string): void {
    this.logger.error({ accessLogEntry: { ...row, occurredAt: new Date().toISOString() }, error }, 'access log entry not stored in PostgreSQL; kept here');
  }
}
