import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { DataSource } from 'typeorm';
import { QueryInt } from '../input/query-int';
import { decodeSeqCursor, encodeSeqCursor } from '../input/seq-cursor';

/** `?cursor=&limit=` of a billing case's events. */
export class BillingEventsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}

export interface BillingEventPage {
  items: { seq: number | null; type: string; actor: string; occurredAt: string; data: unknown }[];
  nextCursor: string | null;
}

/**
 * A billing case's whole history from the read model, in the order the case applied it (its
 * change number `seq`; rows from before it existed have none and come first, in insertion order).
 * The case's own view holds its last steps only: this is where the rest is read.
 */
export async function billingCaseEvents(dataSource: DataSource, caseId: string, q: BillingEventsQuery): Promise<BillingEventPage> {
  const limit = q.limit ?? 100;
  const after = q.cursor ? decodeSeqCursor(q.cursor) : { seq: -1, id: 0 };
  const rows: { id: string; seq: string | null; type: string; actor: string; occurred_at: Date; data: unknown }[] = await dataSource.query(
    `SELECT id, seq, type, actor, occurred_at, data FROM billing_case_events
     WHERE case_id = $1 AND (COALESCE(seq, 0), id) > ($2::bigint, $3::bigint)
     ORDER BY COALESCE(seq, 0), id LIMIT $4`,
    [caseId, after.seq, after.id, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ seq: r.seq === null ? null : Number(r.seq), type: r.type, actor: r.actor, occurredAt: r.occurred_at.toISOString(), data: r.data })),
    nextCursor: rows.length > limit && last ? encodeSeqCursor({ seq: Number(last.seq ?? 0), id: Number(last.id) }) : null,
  };
}
