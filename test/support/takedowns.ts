import { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { PolicyRegistry } from '../../src/config/policy-registry';
import { parseTakedownNotice, TakedownNoticeInput } from '../../src/domain/takedown/notice';
import { assessCompleteness, intakeRoute, regimesForNotice } from '../../src/domain/takedown/regime';
import { pinTakedownCasePolicy, TakedownCasePolicy } from '../../src/domain/takedown/takedown-policy';
import type { TakedownDecision } from '../../src/domain/takedown/case';
import { takedownWorkflow } from '../../src/workflows';
import type { TakedownInput } from '../../src/workflows/takedown/messages';
import { copyrightNotice } from '../unit/takedown/fixtures';
import { queryOpened } from './sealed-rows';

const fixtures = PolicyRegistry.fromDirectory(resolve(__dirname, '..', 'fixtures', 'policies'));

/** The test takedown policy: decisions due in seconds (safety 3 s), needs_info lapses after 3 s, restore after 3 s. */
export function testTakedownPolicy(brand = 'uoozee'): TakedownCasePolicy {
  return pinTakedownCasePolicy(fixtures.find(brand)!);
}

/** The same complete notice the unit tests use; tests take pieces away. */
export { copyrightNotice };

/** What POST /v1/takedowns does before starting the workflow: parse, pick regimes, judge completeness. */
export function takedownInput(notice: TakedownNoticeInput, { partner = false, policy = testTakedownPolicy() }: { partner?: boolean; policy?: TakedownCasePolicy } = {}): TakedownInput {
  const parsed = parseTakedownNotice(notice);
  const regimes = regimesForNotice(parsed, policy.regimeConfig);
  const assessments = regimes.map((r) => assessCompleteness(parsed, r));
  return {
    caseId: `takedown-${randomUUID().replace(/-/g, '').slice(0, 26)}`,
    receivedAt: Date.now(),
    notice: parsed,
    channel: partner ? 'partner' : 'public',
    submittedBy: partner ? 'partner-key' : null,
    roleVerified: partner && ['trusted_flagger', 'authority'].includes(parsed.notifier.role),
    regimes,
    assessments,
    route: intakeRoute(assessments),
    policy,
  };
}

/** A removal decision on DMCA grounds, as legal staff make it. */
export const removal = (over: Partial<TakedownDecision> = {}): TakedownDecision => ({
  outcome: 'remove',
  measure: { kind: 'global_removal' },
  ground: { kind: 'legal', reference: '17 U.S.C. §106(3)', explanation: 'Unlicensed distribution of the full episode.' },
  facts: 'The upload matches the notified episode frame for frame.',
  automatedDetection: false,
  automatedDecision: 'not_automated',
  endsAt: null,
  ...over,
});

/** A complete DMCA counter-notice (the subscriber's details never enter the case record). */
export const COUNTER_NOTICE = {
  signature: '/Sam Uploader/',
  materialIdentification: 'vid_123 at https://uoozee.example/watch/vid_123',
  goodFaithUnderPenaltyOfPerjury: true as const,
  consentToJurisdiction: true as const,
  subscriber: { name: 'Sam Uploader', address: '1 Main St, Springfield, IL', phone: '+1 217 555 0100' },
};

export async function startTakedown(client: Client, taskQueue: string, input: TakedownInput) {
  return client.workflow.start(takedownWorkflow, { workflowId: input.caseId, taskQueue, args: [input] });
}

export interface TakedownEventRow {
  type: string;
  actor: string;
  occurred_at: Date;
  data: Record<string, unknown>;
}

/** The case's events with their data opened (the read model keeps it sealed under the case's key). */
export async function takedownEvents(ds: DataSource, caseId: string): Promise<TakedownEventRow[]> {
  return queryOpened(ds, `SELECT type, actor, occurred_at, data FROM takedown_events WHERE case_id = $1 ORDER BY occurred_at, id`, [caseId]);
}

export interface ContentActionRow {
  action_key: string;
  action: string;
  countries: string[] | null;
  attempts: number;
  applied_at: Date | null;
}

export async function contentActions(ds: DataSource, caseId: string): Promise<ContentActionRow[]> {
  return ds.query(`SELECT action_key, action, countries, attempts, applied_at FROM content_actions WHERE case_id = $1 ORDER BY created_at, action_key`, [caseId]);
}

/** The messages recorded for the case, bodies opened. */
export async function communications(ds: DataSource, caseId: string): Promise<{ kind: string; recipient: string; sent_at: Date; body: Record<string, unknown> }[]> {
  return queryOpened(ds, `SELECT kind, recipient, sent_at, body FROM takedown_communications WHERE case_id = $1 ORDER BY sent_at`, [caseId]);
}
