import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessLogReads, AccessLogRow } from '../../persistence/read/access-log-reads';
import { Problem } from '../problem/problem';
import type { AccessLogEntryDto, AccessLogPageDto, AccessLogQuery } from './access-log.dto';

export type { AccessLogRow };

/**
 * The admin's view of access_log: newest first, filtered by case, actor, operation and time,
 * keyset-paged over (occurred_at, id). The cursor keeps occurred_at in microseconds since the
 * epoch: a JavaScript Date would round it to milliseconds and skip or repeat entries.
 */
@Injectable()
export class AccessLogQueryService {
  private readonly log: AccessLogReads;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.log = new AccessLogReads(dataSource);
  }

  async page(q: AccessLogQuery): Promise<AccessLogPageDto> {
    const limit = q.limit ?? 50;
    const from = q.from === undefined ? null : new Date(q.from).toISOString();
    const to = q.to === undefined ? null : new Date(q.to).toISOString();
    if (from && to && from >= to) throw Problem.validation([{ field: 'query:to', message: 'must be after query:from' }]);
    const after = q.cursor === undefined ? null : decodeCursor(q.cursor);
    const rows = await this.log.page({ caseId: q.case ?? null, actor: q.actor ?? null, operation: q.operation ?? null, from, to, after, limit: limit + 1 });
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
