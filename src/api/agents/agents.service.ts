import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PolicyRegistry } from '../../config/policy-registry';
import { assignmentRefusal, worksAlone, type AgentStatus, type RegisteredAgent } from '../../domain/onboarding/agent';
import { Problem } from '../problem/problem';
import type { AgentStatusDto, CreateAgentDto } from './agent.dto';
import type { TicketCategory } from '../../domain/ticket';
import type { AgentResponse, AgentSummaryResponse } from './agent.response';

interface AgentRow {
  id: string;
  brand: string;
  tier: string;
  team_lead: string | null;
  status: AgentStatus;
  competencies: string[] | null;
  created_at: Date;
}

interface StatusChangeRow {
  status_from: string | null;
  status_to: string;
  reason: string;
  changed_by: string;
  changed_at: Date;
}

/** The agents registry (issue 14 §1): created and suspended by admins, read by staff; the assignment rule's source. */
@Injectable()
export class AgentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyRegistry,
  ) {}

  /** Creates the agent (status onboarding); the same agent again answers as it is (created false), another brand's is a 409. */
  async create(dto: CreateAgentDto, by: string): Promise<{ agent: AgentResponse; created: boolean }> {
    if (!this.policies.find(dto.brand)) throw Problem.validation([{ field: 'brand', message: `no policy pack for "${dto.brand}"; known: ${this.policies.brands().join(', ')}` }], 422);
    const created = await this.dataSource.transaction(async (tx) => {
      const rows: { id: string }[] = await tx.query(
        `INSERT INTO agents (id, brand, tier, team_lead, created_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [dto.id, dto.brand, dto.tier, dto.teamLead ?? null, by],
      );
      if (rows.length) await tx.query(`INSERT INTO agent_status_changes (agent_id, status_from, status_to, reason, changed_by) VALUES ($1, NULL, 'onboarding', 'created', $2)`, [dto.id, by]);
      return rows.length > 0;
    });
    const agent = await this.get(dto.id);
    if (!created && agent.brand !== dto.brand) throw Problem.conflict('agent-exists', `agent ${dto.id} exists for ${agent.brand}`, { field: 'id' });
    return { agent, created };
  }

  async get(id: string): Promise<AgentResponse> {
    const [row]: AgentRow[] = await this.dataSource.query(`SELECT id, brand, tier, team_lead, status, competencies, created_at FROM agents WHERE id = $1`, [id]);
    if (!row) throw Problem.notFound('agent', id);
    const history: StatusChangeRow[] = await this.dataSource.query(
      `SELECT status_from, status_to, reason, changed_by, changed_at FROM agent_status_changes WHERE agent_id = $1 ORDER BY id`,
      [id],
    );
    return { ...toResponse(row), history: history.map((h) => ({ from: h.status_from, to: h.status_to, reason: h.reason, by: h.changed_by, at: h.changed_at.toISOString() })) };
  }

  /** Agents, of one brand and one status when asked, by ID (at most 500). */
  async list(q: { brand?: string; status?: AgentStatus }): Promise<AgentSummaryResponse[]> {
    const rows: AgentRow[] = await this.dataSource.query(
      `SELECT id, brand, tier, team_lead, status, competencies, created_at FROM agents
        WHERE ($1::text IS NULL OR brand = $1) AND ($2::text IS NULL OR status = $2) ORDER BY id LIMIT 500`,
      [q.brand ?? null, q.status ?? null],
    );
    return rows.map(toResponse);
  }

  /** Moves the agent to `status` with the reason, kept in its history; the same status again changes nothing. */
  async setStatus(id: string, dto: AgentStatusDto, by: string): Promise<AgentResponse> {
    await this.dataSource.transaction(async (tx) => {
      const [row]: { status: AgentStatus }[] = await tx.query(`SELECT status FROM agents WHERE id = $1 FOR UPDATE`, [id]);
      if (!row) throw Problem.notFound('agent', id);
      if (row.status === dto.status) return;
      await tx.query(`UPDATE agents SET status = $2, updated_at = now() WHERE id = $1`, [id, dto.status]);
      await tx.query(`INSERT INTO agent_status_changes (agent_id, status_from, status_to, reason, changed_by) VALUES ($1, $2, $3, $4, $5)`, [id, row.status, dto.status, dto.reason, by]);
    });
    return this.get(id);
  }

  /**
   * Refuses (409 naming why) assigning a ticket of `brand` to a registered agent who may not take
   * it: another brand's, suspended, or not yet certified without a certified mentor named. An
   * assignee the registry does not know is let through, as before agents were registered.
   */
  async assertMayAssign(brand: string, assignee: string, mentor: string | null, category: string | null = null): Promise<void> {
    const known = await this.registered([assignee, ...(mentor ? [mentor] : [])]);
    const agent = known.get(assignee);
    if (!agent) return;
    const needs = category ? (this.policies.find(brand)?.onboarding?.categories[category as TicketCategory] ?? []) : [];
    const refusal = assignmentRefusal(brand, agent, mentor ? (known.get(mentor) ?? null) : null, mentor, needs);
    if (refusal) throw Problem.conflict(refusal.slug, refusal.detail, { field: refusal.slug === 'mentor-not-certified' ? 'mentor' : 'assignee', agentStatus: agent.status });
  }

  /** A mentor is a certified agent of the brand (409 naming why otherwise). */
  async assertMayMentor(brand: string, mentor: string): Promise<void> {
    const agent = (await this.registered([mentor])).get(mentor);
    if (!agent || agent.brand !== brand || !worksAlone(agent)) {
      throw Problem.conflict('mentor-not-certified', `mentor ${mentor} is not a certified ${brand} agent`, { field: 'mentor', ...(agent ? { agentStatus: agent.status } : {}) });
    }
  }

  private async registered(ids: string[]): Promise<Map<string, RegisteredAgent>> {
    const rows: RegisteredAgent[] = await this.dataSource.query(`SELECT id, brand, status, competencies FROM agents WHERE id = ANY($1::text[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r]));
  }
}

function toResponse(row: AgentRow): AgentSummaryResponse {
  return { id: row.id, brand: row.brand, tier: row.tier, teamLead: row.team_lead, status: row.status, worksAlone: worksAlone(row), competencies: row.competencies, createdAt: row.created_at.toISOString() };
}
