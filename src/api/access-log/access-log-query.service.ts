import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Problem } from '../problem/problem';
import type { AccessLogEntryDto, AccessLogPageDto, AccessLogQuery } from './access-log.dto';

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

/**
 * The admin's view of access_log: newest first, filtered by case, actor, operation and time,
 * keyset-paged over (occurred_at, id). The cursor keeps occurred_at in microseconds since the
 * epoch: a JavaScript Date would round it to milliseconds and skip or repeat entries.
 */
@Injectable()
export class AccessLogQueryService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async page(q: AccessLogQuery): Promise<AccessLogPageDto> {
    const limit = q.limit ?? 50;
    const from = q.from === undefined ? null : new Date(q.from).toISOString();
    const to = q.to === undefined ? null : new Date(q.to).toISOString();
    if (from && to && from >= to) throw Problem.validation([{ field: 'query:to', message: 'must be after query:from' }]);
    const after = q.cursor === undefined ? null : decodeCursor(q.cursor);
    const rows: AccessLogRow[] = await this.dataSource.query(
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
      [q.case ?? null, q.actor ?? null, q.operation ?? null, from, to, after?.atMicros ?? null, after?.id ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(entry), nextCursor: rows.length > limit && last ? encodeCursor(last.at_us, last.id) : null };
  }
}

function entry(r: AccessLogRow): AccessLogEntryDto {
  return {
    id: r.id,
    occurredAt: r.occurred_at.toISOString(),
    actor: r.actor,
    actorId: r.actor_id,
    role: r.role,
    via: r.via,
    caseId: r.case_id,
    caseKind: r.case_kind,
    operation: r.operation,
    fields: r.fields,
    address: r.address,
    requestId: r.request_id,
    status: r.status,
  };
}

function encodeCursor(atMicros: string, id: string): string {
  return Buffer.from(JSON.stringify([atMicros, id])).toString('base64url');
}

function decodeCursor(cursor: string): { atMicros: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string' && /^\d{1,18}$/.test(v))) {
      return { atMicros: value[0] as string, id: value[1] as string };
    }
  } catch {
    /* not ours: the 400 below */
  }
  throw Problem.validation([{ field: 'query:cursor', message: 'not a cursor this API issued' }]);
}
