import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** An access_log row as PostgreSQL returns it (`at_us`: the query's keyset column). */
export interface AccessLogRow {
  id: string;
  occurred_at: Date;
  at_us: string;
  actor: string;
  actor_id: string | null;
  role: string;
  via: string;
  case_id: string | null;
  case_kind: string | null;
  operation: string;
  fields: string[] | null;
  address: string | null;
  request_id: string | null;
  status: number | null;
}

export interface AccessLogFilter {
  caseId: string | null;
  /** The actor's name or ID. */
  actor: string | null;
  operation: string | null;
  /** ISO instants: from inclusive, to exclusive. */
  from: string | null;
  to: string | null;
  /** Keyset: entries strictly older than (atMicros, id). */
  after: { atMicros: string; id: string } | null;
  limit: number;
}

/**
 * access_log as the admin reads it: newest first, keyset over (occurred_at, id). occurred_at is
 * compared in microseconds since the epoch: a JavaScript Date would round it to milliseconds.
 */
@Injectable()
export class AccessLogReads {
  constructor(private readonly dataSource: DataSource) {}

  page(f: AccessLogFilter): Promise<AccessLogRow[]> {
    return this.dataSource.query(
      `SELECT id, occurred_at, (extract(epoch FROM occurred_at) * 1000000)::bigint AS at_us, actor, actor_id, role, via,
              case_id, case_kind, operation, fields, address, request_id, status
       FROM access_log
       WHERE ($1::text IS NULL OR case_id = $1)
         AND ($2::text IS NULL OR actor = $2 OR actor_id = $2)
         AND ($3::text IS NULL OR operation = $3)
         AND ($4::timestamptz IS NULL OR occurred_at >= $4)
         AND ($5::timestamptz IS NULL OR occurred_at < $5)
         AND ($6::bigint IS NULL OR (occurred_at, id) < ('epoch'::timestamptz + $6::bigint * interval '1 microsecond', $7::bigint))
       ORDER BY occurred_at DESC, id DESC
       LIMIT $8`,
      [f.caseId, f.actor, f.operation, f.from, f.to, f.after?.atMicros ?? null, f.after?.id ?? null, f.limit],
    );
  }
}
