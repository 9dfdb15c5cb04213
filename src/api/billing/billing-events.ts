import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { BillingReads } from '../../persistence/read/billing-reads';
import type { ReadModelSealer } from '../../persistence/read-model-sealer';
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
 * The case's own view holds its last steps only: this is where the rest is read. Event data is
 * stored sealed under the case's key: opened here (an erased case's reads "[erased]").
 */
export async function billingCaseEvents(billing: BillingReads, sealer: ReadModelSealer, caseId: string, q: BillingEventsQuery): Promise<BillingEventPage> {
  const limit = q.limit ?? 100;
  const after = q.cursor ? decodeSeqCursor(q.cursor) : { seq: -1, id: 0 };
  const rows = await billing.events(caseId, after, limit + 1);
  const page = await sealer.open(rows.slice(0, limit));
  const last = page[page.length - 1];
  const actorOf = await customerActor(billing, sealer, caseId, page);
  return {
    items: page.map((r) => ({ seq: r.seq === null ? null : Number(r.seq), type: r.type, actor: actorOf(r.actor), occurredAt: r.occurred_at.toISOString(), data: r.data })),
    nextCursor: rows.length > limit && last ? encodeSeqCursor({ seq: Number(last.seq ?? 0), id: Number(last.id) }) : null,
  };
}

/**
 * An event whose actor was the customer stores their pseudonym (the case's customer_ref): the
 * answer names the reference itself, read from the case's sealed snapshot (a refund's
 * `customerRef`). Nothing to read when no actor is a pseudonym (agents and 'system' act on cases).
 */
async function customerActor(billing: BillingReads, sealer: ReadModelSealer, caseId: string, rows: { actor: string }[]): Promise<(actor: string) => string> {
  if (!rows.some((r) => r.actor.startsWith('subject:'))) return (actor) => actor;
  const [row] = await sealer.open(await billing.customer(caseId));
  const ref = row?.snapshot?.customerRef;
  return (actor) => (row && typeof ref === 'string' && actor === row.customer_ref ? ref : actor);
}
