import { Injectable } from '@nestjs/common';
import type { UpdateDefinition } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { PolicyRegistry } from '../../config/policy-registry';
import type { AgentTier } from '../../domain/onboarding/agent';
import { pinOnboardingPolicy } from '../../domain/onboarding/onboarding-policy';
import { OnboardingRecords } from '../../persistence/read-model/onboarding-records';
import { ReadModelSealer } from '../../persistence/read-model-sealer';
import { onboardingWorkflow } from '../../workflows';
import { decideOnboardingUpdate, evaluateGatesUpdate, onboardingIdOf, onboardingStatusQuery, OnboardingView, recordSessionUpdate, scoreQaUpdate, startMentoredUpdate } from '../../workflows/onboarding/messages';
import type { Principal } from '../auth/principal';
import { CaseClient } from '../cases/case-client';
import { Problem } from '../problem/problem';
import { readOnceStarted } from '../temporal/with-timeout';
import { AgentsService } from './agents.service';
import type { DecideOnboardingDto, OnboardingSessionDto, QaScoreDto, StartOnboardingDto } from './onboarding.dto';

type Actor = { id: string; role: string };

const DAY_MS = 86_400_000;
/** How far from today a first day may be: a hire who started last month is onboarded late; a year ahead is a typo. */
const STARTS_ON = { pastDays: 90, futureDays: 365 };

/** The first day asked for (a date: its midday UTC, which is that date in every training zone), within STARTS_ON of now. */
function startOf(startsOn: string | undefined, now: number): number {
  if (startsOn === undefined) return now;
  const at = Date.parse(startsOn.length === 10 ? `${startsOn}T12:00:00Z` : startsOn);
  if (at < now - STARTS_ON.pastDays * DAY_MS || at > now + STARTS_ON.futureDays * DAY_MS) {
    throw Problem.validation([{ field: 'startsOn', message: `a first day within ${STARTS_ON.pastDays} days before and ${STARTS_ON.futureDays} days after today` }], 422);
  }
  return at;
}

/**
 * An agent's onboarding case (issue 14 §2): started for a registered agent with the brand's
 * curriculum pinned, steered by trainers, reviewers and operations leads through updates the
 * workflow validates, read from the workflow (or its last record once it has stopped).
 */
@Injectable()
export class OnboardingService {
  private readonly records: OnboardingRecords;

  constructor(
    private readonly cases: CaseClient,
    private readonly config: AppConfig,
    private readonly policies: PolicyRegistry,
    private readonly agents: AgentsService,
    private readonly dataSource: DataSource,
    sealer: ReadModelSealer,
  ) {
    this.records = new OnboardingRecords(dataSource, sealer);
  }

  /** Starts the agent's onboarding (once: the same agent again answers its case, created false). */
  async start(agentId: string, dto: StartOnboardingDto, caller: Principal): Promise<{ view: OnboardingView; created: boolean }> {
    const agent = await this.agentInScope(agentId, caller);
    const pack = this.policies.find(agent.brand);
    if (!pack?.onboarding) throw Problem.conflict('no-curriculum', `${agent.brand}'s policy pack has no onboarding curriculum`, { field: 'id' });
    const caseId = onboardingIdOf(agentId);
    if (agent.status === 'certified' && !(await this.exists(caseId))) {
      throw Problem.conflict('agent-certified', `agent ${agentId} is certified already: there is nothing to onboard`, { field: 'id', agentStatus: agent.status });
    }
    const policy = pinOnboardingPolicy(pack);
    const startedAt = startOf(dto.startsOn, Date.now());
    const { replayed } = await this.cases.start(onboardingWorkflow, {
      workflowId: caseId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // The line for the UI: the agent's work handle, the brand and tier (the phase is in the details).
      staticSummary: `Onboarding · ${agentId} · ${pack.displayName ?? pack.brand} ${agent.tier}`,
      args: [{ caseId, agentId, brand: agent.brand, tier: agent.tier as AgentTier, teamLead: agent.teamLead, startedAt, startedBy: caller.name, policy }],
    });
    return { view: await readOnceStarted(() => this.readCase(caseId)), created: !replayed };
  }

  /** The agent's onboarding as the workflow answers it (its last record once stopped); 404 when there is none. */
  async read(agentId: string, caller: Principal): Promise<OnboardingView> {
    await this.agentInScope(agentId, caller);
    return this.readCase(onboardingIdOf(agentId));
  }

  /** For GET /v1/agents/{id}: the onboarding, or null when none was started. */
  async summaryOf(agentId: string): Promise<OnboardingView | null> {
    const caseId = onboardingIdOf(agentId);
    try {
      return await this.readCase(caseId);
    } catch (err) {
      if (err instanceof Problem && err.getStatus() === 404) return null;
      throw err;
    }
  }

  recordSession(agentId: string, dto: OnboardingSessionDto, caller: Principal): Promise<OnboardingView> {
    return this.act(agentId, caller, recordSessionUpdate, (actor) => [{ actor, module: dto.module, hours: dto.hours, ...(dto.heldOn ? { heldOn: dto.heldOn } : {}) }], 'session');
  }

  /** The mentor must be a certified agent of the brand: a ticket assigned to the agent names them. */
  async startMentored(agentId: string, mentor: string, caller: Principal): Promise<OnboardingView> {
    const agent = await this.agentInScope(agentId, caller);
    await this.agents.assertMayMentor(agent.brand, mentor);
    return this.act(agentId, caller, startMentoredUpdate, (actor) => [{ actor, mentor }], 'start_mentored');
  }

  /** A review is of a ticket the agent worked: one of the brand's, assigned to them or acted on by them (422 naming ticketId otherwise). */
  async scoreQa(agentId: string, dto: QaScoreDto, caller: Principal): Promise<OnboardingView> {
    const agent = await this.agentInScope(agentId, caller);
    const worked: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM tickets t WHERE t.id = $1 AND t.brand = $2
          AND (t.assignee = $3 OR EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.actor = $3))`,
      [dto.ticketId, agent.brand, agentId],
    );
    if (!worked.length) throw Problem.validation([{ field: 'ticketId', message: `not a ${agent.brand} ticket ${agentId} worked` }], 422);
    return this.act(agentId, caller, scoreQaUpdate, (actor) => [{ actor, reviewId: dto.reviewId, ticketId: dto.ticketId, criteria: dto.criteria }], 'qa_score');
  }

  evaluateGates(agentId: string, caller: Principal): Promise<OnboardingView> {
    return this.act(agentId, caller, evaluateGatesUpdate, (actor) => [{ actor }], 'evaluate_gates');
  }

  decide(agentId: string, dto: DecideOnboardingDto, caller: Principal): Promise<OnboardingView> {
    return this.act(agentId, caller, decideOnboardingUpdate, (actor) => [{ actor, outcome: dto.outcome, note: dto.note }], 'decide');
  }

  private async act<A extends [unknown, ...unknown[]]>(agentId: string, caller: Principal, update: UpdateDefinition<OnboardingView, A>, args: (actor: Actor) => A, action: string): Promise<OnboardingView> {
    await this.agentInScope(agentId, caller);
    const caseId = onboardingIdOf(agentId);
    return this.cases.update('onboarding', caseId, update, args({ id: caller.name, role: caller.role }), {
      recordedState: async () => (await this.records.snapshot(caseId))?.phase,
      extensions: { action },
    });
  }

  private async readCase(caseId: string): Promise<OnboardingView> {
    return (await this.cases.read('onboarding', caseId, onboardingStatusQuery, () => this.records.snapshot(caseId))).view as OnboardingView;
  }

  private async exists(caseId: string): Promise<boolean> {
    return (await this.records.snapshot(caseId)) !== undefined;
  }

  /** The registered agent (404 when unknown, or another brand's for a key of one brand). */
  private async agentInScope(agentId: string, caller: Principal) {
    const agent = await this.agents.get(agentId);
    if (caller.brand !== undefined && agent.brand !== caller.brand) throw Problem.notFound('agent', agentId);
    return agent;
  }
}
