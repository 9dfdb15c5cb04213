import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { PolicyRegistry } from '../../src/config/policy-registry';
import type { OnboardingPolicy } from '../../src/domain/onboarding/case';
import { pinOnboardingPolicy } from '../../src/domain/onboarding/onboarding-policy';
import type { Client } from '@temporalio/client';
import { onboardingWorkflow } from '../../src/workflows';
import { decideOnboardingUpdate, evaluateGatesUpdate, onboardingIdOf, recordSessionUpdate, scoreQaUpdate, type OnboardingInput } from '../../src/workflows/onboarding/messages';
import { updateUntilAnswered } from './retried-update';
import { waitFor } from './wait-for';

const fixtures = PolicyRegistry.fromDirectory(resolve(__dirname, '..', 'fixtures', 'policies'));

/** The test packs' curricula: a "week" of 5 s and a "month" of 10 s (test/fixtures/policies). */
export function testOnboardingPolicy(brand: 'vivtone' | 'uoozee'): OnboardingPolicy {
  return pinOnboardingPolicy(fixtures.find(brand)!);
}

/** A fresh agent handle (agents are shared across the run's suites). */
export const newAgentId = (label: string): string => `${label}-${randomUUID().slice(0, 8)}`;

/** Registers the agent as POST /v1/agents does (status onboarding), so the case's registry moves can be read. */
export async function registerAgent(ds: DataSource, id: string, brand: string, status = 'onboarding'): Promise<void> {
  await ds.query(`INSERT INTO agents (id, brand, tier, team_lead, status, created_by) VALUES ($1, $2, 'L1', 'lead-test', $3, 'test')`, [id, brand, status]);
  await ds.query(`INSERT INTO agent_status_changes (agent_id, status_from, status_to, reason, changed_by) VALUES ($1, NULL, $2, 'created', 'test')`, [id, status]);
}

/** What POST /v1/agents/{id}/onboarding starts. */
export function onboardingInput(agentId: string, policy: OnboardingPolicy, over: Partial<OnboardingInput> = {}): OnboardingInput {
  return { caseId: onboardingIdOf(agentId), agentId, brand: policy.brand, tier: 'L1', teamLead: 'lead-test', startedAt: Date.now(), startedBy: 'trainer-tess', policy, ...over };
}

export const TRAINER = { id: 'trainer-tess', role: 'trainer' };
export const LEAD = { id: 'ops-olga', role: 'admin' };
export const REVIEWER_A = { id: 'qa-ana', role: 'agent' };
export const REVIEWER_B = { id: 'qa-ben', role: 'agent' };
export const REVIEWER_C = { id: 'qa-cal', role: 'trainer' };

/** The agent's registry row and its status changes, oldest first. */
export async function registryOf(ds: DataSource, agentId: string): Promise<{ status: string; changes: { to: string; reason: string; key: string | null }[] }> {
  const [row]: { status: string }[] = await ds.query(`SELECT status FROM agents WHERE id = $1`, [agentId]);
  const changes: { to: string; reason: string; key: string | null }[] = await ds.query(
    `SELECT status_to AS "to", reason, change_key AS key FROM agent_status_changes WHERE agent_id = $1 ORDER BY id`,
    [agentId],
  );
  return { status: row?.status, changes };
}

type Check = { name: string; ok: boolean; detail?: string };

const FULL = { diagnosis: 2, resolution: 2, tone: 1 };

/**
 * Uoozee onboarding cases (test pack: competency-based, QA gate over the last 2 reviews) taken
 * from day one to certified while the worker is killed: two classroom sessions, two double-blind
 * reviews of two scores each, the gates measured, the decision. Returns the agents started.
 */
export async function startOnboardings(client: Client, ds: DataSource, taskQueue: string, n: number, seed: number): Promise<string[]> {
  const policy = testOnboardingPolicy('uoozee');
  const agents = Array.from({ length: n }, (_, i) => newAgentId(`bench-${seed}-${i}`));
  for (const agent of agents) {
    const input = onboardingInput(agent, policy);
    await registerAgent(ds, agent, input.brand);
    await client.workflow.start(onboardingWorkflow, { workflowId: input.caseId, taskQueue, args: [input] });
  }
  return agents;
}

/** A trainer's and reviewers' actions on one onboarding, each sent until the case answers (the same update ID). */
export async function trainToCertified(client: Client, agent: string): Promise<void> {
  const h = client.workflow.getHandle(`onboarding-${agent}`);
  const update = updateUntilAnswered;
  await update(h, recordSessionUpdate, [{ actor: TRAINER, module: 'technical-diagnostics', hours: 2 }]);
  await update(h, recordSessionUpdate, [{ actor: TRAINER, module: 'soft-skills', hours: 1 }]);
  for (const review of ['r1', 'r2']) {
    await update(h, scoreQaUpdate, [{ actor: REVIEWER_A, reviewId: review, ticketId: `ticket-${review}`, criteria: FULL }]);
    await update(h, scoreQaUpdate, [{ actor: REVIEWER_B, reviewId: review, ticketId: `ticket-${review}`, criteria: FULL }]);
  }
  await update(h, evaluateGatesUpdate, [{ actor: TRAINER }]);
  await update(h, decideOnboardingUpdate, [{ actor: LEAD, outcome: 'certify', note: 'bench' }]);
}

/**
 * Every onboarding certified, with its hours, scores, gates and certification recorded once, and
 * one registry change to certified. The registry follows the decision: the case records the
 * decision, then its loop sends the change (setAgentStatus), so the checks first wait (up to
 * `registryWaitMs`) for every agent's registry to reach certified, then read everything once.
 */
export async function onboardingChecks(ds: DataSource, agents: string[], registryWaitMs = 30_000): Promise<Check[]> {
  const ids = agents.map((a) => `onboarding-${a}`);
  const certifiedInRegistry = async () =>
    ((await ds.query(`SELECT count(*)::int AS n FROM agents WHERE id = ANY($1) AND status = 'certified'`, [agents])) as { n: number }[])[0].n;
  // Not reaching it is what the registry check below reports, with the changes it found.
  await waitFor(async () => (await certifiedInRegistry()) === agents.length, { timeoutMs: registryWaitMs, what: 'every registry certified' }).catch(() => undefined);
  const events: { case_id: string; types: string[] }[] = await ds.query(
    `SELECT case_id, array_agg(type ORDER BY id) AS types FROM onboarding_events WHERE case_id = ANY($1) AND type IN ('session', 'qa_score', 'gates_measured', 'decision_certify') GROUP BY case_id`,
    [ids],
  );
  const expected = 'session,session,qa_score,qa_score,qa_score,qa_score,gates_measured,decision_certify';
  const phases: { phase: string; n: number }[] = await ds.query(`SELECT phase, count(*)::int AS n FROM onboardings WHERE id = ANY($1) GROUP BY phase`, [ids]);
  const registry: { agent_id: string; changes: string[]; status: string }[] = await ds.query(
    `SELECT a.id AS agent_id, a.status, array_agg(c.status_to ORDER BY c.id) AS changes FROM agents a JOIN agent_status_changes c ON c.agent_id = a.id WHERE a.id = ANY($1) GROUP BY a.id, a.status`,
    [agents],
  );
  const wrong = events.filter((e) => e.types.join() !== expected);
  return [
    { name: 'every onboarding certified', ok: phases.length === 1 && phases[0].phase === 'certified' && phases[0].n === agents.length, detail: JSON.stringify(phases) },
    { name: 'hours, scores, gates and certification recorded once per onboarding', ok: events.length === agents.length && wrong.length === 0, detail: JSON.stringify(wrong.slice(0, 3)) },
    {
      name: 'one registry change to certified per agent',
      ok: registry.length === agents.length && registry.every((r) => r.status === 'certified' && r.changes.join() === 'onboarding,certified'),
      detail: JSON.stringify(registry.filter((r) => r.changes.join() !== 'onboarding,certified').slice(0, 3)),
    },
  ];
}
