import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { IncidentView } from '../../workflows/incident/messages';

export interface IncidentListFilter {
  status?: string;
  priority?: string;
  brand?: string;
  /** A second brand condition: the caller's own brand (an agent of one brand), ANDed with `brand`. */
  callerBrand?: string;
  limit: number;
}

export interface IncidentEventRow {
  type: string;
  actor: string;
  occurred_at: Date;
  data: unknown;
}

/** The incident read model as the API reads it. */
@Injectable()
export class IncidentReads {
  constructor(private readonly dataSource: DataSource) {}

  async snapshot(id: string): Promise<IncidentView | undefined> {
    const rows: { snapshot: IncidentView }[] = await this.dataSource.query(`SELECT snapshot FROM incidents WHERE id = $1`, [id]);
    return rows[0]?.snapshot;
  }

  async brand(id: string): Promise<string | undefined> {
    const rows: { brand: string }[] = await this.dataSource.query(`SELECT brand FROM incidents WHERE id = $1`, [id]);
    return rows[0]?.brand;
  }

  async state(id: string): Promise<string | undefined> {
    const rows: { status: string }[] = await this.dataSource.query(`SELECT status FROM incidents WHERE id = $1`, [id]);
    return rows[0]?.status;
  }

  async exists(id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM incidents WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  /** Newest first. */
  async list(filter: IncidentListFilter): Promise<IncidentView[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    for (const [column, value] of [['status', filter.status], ['priority', filter.priority], ['brand', filter.brand], ['brand', filter.callerBrand]] as const) {
      if (value !== undefined) {
        args.push(value);
        where.push(`${column} = $${args.length}`);
      }
    }
    args.push(filter.limit);
    const rows: { snapshot: IncidentView }[] = await this.dataSource.query(
      `SELECT snapshot FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id DESC LIMIT $${args.length}`,
      args,
    );
    return rows.map((r) => r.snapshot);
  }

  /** The workflow's order (seq); rows from before numbering (NULL) came first. */
  events(id: string): Promise<IncidentEventRow[]> {
    return this.dataSource.query(`SELECT type, actor, occurred_at, data FROM incident_events WHERE incident_id = $1 ORDER BY seq NULLS FIRST, id`, [id]);
  }
}
