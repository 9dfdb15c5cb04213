import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TakedownNotice } from '../../domain/takedown/notice';
import type { TakedownView } from '../../workflows/takedown/messages';
import type { PreservationView } from '../../workflows/takedown/preservation-messages';

export interface TakedownQueueFilter {
  states: readonly string[];
  reviewer?: string;
  regime?: string;
  /** Part of a case ID (the desk's search box). */
  idContains?: string;
  dueBy?: Date;
  limit: number;
}

/** A queue row: what the row's clear columns say, and the (sealed) snapshot for the rest. */
export interface TakedownQueueRow {
  id: string;
  state: string;
  regimes: string[];
  legal_basis: string;
  reviewer: string | null;
  received_at: Date;
  next_deadline_at: Date | null;
  decided_at: Date | null;
  snapshot: Partial<TakedownView>;
}

export interface TakedownListFilter {
  status?: string;
  assignee?: string;
  regime?: string;
  /** Undecided cases whose decision is due before this instant. */
  dueBefore?: Date;
  limit: number;
}

export interface TakedownEventRow {
  type: string;
  actor: string;
  occurred_at: Date;
  seq: string | null;
  data: unknown;
}

/**
 * The takedown read model (cases, their events, their preservation holds) as the API reads it.
 * The notifier's data is stored sealed under the case's key (activities/takedowns.ts): every row
 * here comes sealed, and the caller opens it (ReadModelSealer) before answering with it.
 */
@Injectable()
export class TakedownReads {
  constructor(private readonly dataSource: DataSource) {}

  async snapshot(id: string): Promise<TakedownView | undefined> {
    const rows: { snapshot: TakedownView }[] = await this.dataSource.query(`SELECT snapshot FROM takedowns WHERE id = $1`, [id]);
    return rows[0]?.snapshot;
  }

  /** The notifier's contact from the stored notice (sealed); null when the case is not recorded or has none. */
  async notifier(id: string): Promise<{ notifier: TakedownNotice['notifier'] | null }[]> {
    return this.dataSource.query(`SELECT notice->'notifier' AS notifier FROM takedowns WHERE id = $1`, [id]);
  }

  async state(id: string): Promise<string | undefined> {
    const rows: { state: string }[] = await this.dataSource.query(`SELECT state FROM takedowns WHERE id = $1`, [id]);
    return rows[0]?.state;
  }

  async exists(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM takedowns WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  /** The review queue: decision deadline first (undated last), then the earlier notice. Rows sealed. */
  list(filter: TakedownListFilter): Promise<{ snapshot: TakedownView }[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: (n: number) => string, value: unknown) => {
      args.push(value);
      where.push(sql(args.length));
    };
    if (filter.status !== undefined) add((n) => `state = $${n}`, filter.status);
    if (filter.assignee !== undefined) add((n) => `reviewer = $${n}`, filter.assignee);
    if (filter.regime !== undefined) add((n) => `$${n} = ANY(regimes)`, filter.regime);
    if (filter.dueBefore !== undefined) add((n) => `decision_due_at < $${n} AND decided_at IS NULL`, filter.dueBefore);
    args.push(filter.limit);
    return this.dataSource.query(
      `SELECT snapshot FROM takedowns ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY decision_due_at ASC NULLS LAST, received_at ASC, id LIMIT $${args.length}`,
      args,
    );
  }

  /**
   * The legal desk's queue: cases in `states`, the next statutory deadline first (none last), then
   * the earlier notice — one indexed query, so the most urgent cases lead however many there are.
   * `dueBy`: only cases with a deadline (next, or an undecided decision) at or before it. Rows sealed.
   */
  queue(filter: TakedownQueueFilter): Promise<TakedownQueueRow[]> {
    const args: unknown[] = [filter.states];
    const where = ['state = ANY($1)'];
    const add = (sql: (n: number) => string, value: unknown) => {
      args.push(value);
      where.push(sql(args.length));
    };
    if (filter.reviewer !== undefined) add((n) => `reviewer = $${n}`, filter.reviewer);
    if (filter.regime !== undefined) add((n) => `$${n} = ANY(regimes)`, filter.regime);
    if (filter.idContains !== undefined) add((n) => `strpos(id, $${n}) > 0`, filter.idContains);
    if (filter.dueBy !== undefined) add((n) => `(next_deadline_at <= $${n} OR (decision_due_at <= $${n} AND decided_at IS NULL))`, filter.dueBy);
    args.push(filter.limit);
    return this.dataSource.query(
      `SELECT id, state, regimes, legal_basis, reviewer, received_at, next_deadline_at, decided_at, snapshot FROM takedowns WHERE ${where.join(' AND ')}
       ORDER BY next_deadline_at ASC NULLS LAST, received_at ASC, id LIMIT $${args.length}`,
      args,
    );
  }

  /** In time order; changes of one instant in the order the case applied them. Rows sealed. */
  events(id: string): Promise<TakedownEventRow[]> {
    return this.dataSource.query(`SELECT type, actor, occurred_at, seq, data FROM takedown_events WHERE case_id = $1 ORDER BY occurred_at, seq, id`, [id]);
  }

  async preservation(holdId: string): Promise<PreservationView | undefined> {
    const rows: { snapshot: PreservationView }[] = await this.dataSource.query(`SELECT snapshot FROM takedown_preservations WHERE id = $1`, [holdId]);
    return rows[0]?.snapshot;
  }

  async preservationState(holdId: string): Promise<string | undefined> {
    const rows: { state: string }[] = await this.dataSource.query(`SELECT state FROM takedown_preservations WHERE id = $1`, [holdId]);
    return rows[0]?.state;
  }

  /** A case's holds, oldest request first. */
  async preservationsOf(caseId: string): Promise<PreservationView[]> {
    const rows: { snapshot: PreservationView }[] = await this.dataSource.query(`SELECT snapshot FROM takedown_preservations WHERE case_id = $1 ORDER BY requested_at, id`, [caseId]);
    return rows.map((r) => r.snapshot);
  }
}
