import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { PolicyRegistry } from '../../src/config/policy-registry';
import type { OnboardingPolicy } from '../../src/domain/onboarding/case';
import { pinOnboardingPolicy } from '../../src/domain/onboarding/onboarding-policy';
import { onboardingIdOf, type OnboardingInput } from '../../src/workflows/onboarding/messages';

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
