import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface RotationRecord {
  name: string;
  participants: string[];
  startsAt: Date;
  shiftMs: number;
}

export interface EscalationPolicyRecord {
  id: string;
  brand: string;
  priorities: string[];
  levels: { targets: string[]; ackTimeoutMs: number }[];
  loops: number;
}

/** On-call rotations and escalation policies: configuration the API keeps, no workflow's read model. */
@Injectable()
export class OnCallConfig {
  constructor(private readonly dataSource: DataSource) {}

  async putRotation(r: RotationRecord): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO oncall_rotations (name, participants, starts_at, shift_ms) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET participants = EXCLUDED.participants, starts_at = EXCLUDED.starts_at, shift_ms = EXCLUDED.shift_ms, updated_at = now()`,
      [r.name, JSON.stringify(r.participants), r.startsAt, r.shiftMs],
    );
  }

  async rotations(): Promise<RotationRecord[]> {
    const rows: { name: string; participants: string[]; starts_at: Date; shift_ms: string }[] = await this.dataSource.query(
      `SELECT name, participants, starts_at, shift_ms FROM oncall_rotations ORDER BY name`,
    );
    return rows.map((r) => ({ name: r.name, participants: r.participants, startsAt: r.starts_at, shiftMs: Number(r.shift_ms) }));
  }

  async putEscalationPolicy(p: EscalationPolicyRecord): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO escalation_policies (id, brand, priorities, levels, loops) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET brand = EXCLUDED.brand, priorities = EXCLUDED.priorities, levels = EXCLUDED.levels, loops = EXCLUDED.loops, updated_at = now()`,
      [p.id, p.brand, p.priorities, JSON.stringify(p.levels), p.loops],
    );
  }

  /** As stored, with `updatedAt`. */
  escalationPolicies(): Promise<unknown[]> {
    return this.dataSource.query(`SELECT id, brand, priorities, levels, loops, updated_at AS "updatedAt" FROM escalation_policies ORDER BY id`);
  }
}
