import { defineUpdate } from '@temporalio/workflow';
import type { AgentStatusChange } from '../../activities/onboarding';
import type { AgentStatus, AgentTier } from '../../domain/onboarding/agent';
import type { OnboardingActor, OnboardingCase, OnboardingDecision, OnboardingPhase, OnboardingPolicy } from '../../domain/onboarding/case';
import type { GateValues } from '../../domain/onboarding/gates';
import type { QaReviewView } from '../../domain/onboarding/qa';
import type { RecorderCarried } from '../common/case-recorder';
import type { NeedsAttentionView } from '../common/needs-attention';
import { defineStatusQuery } from '../common/read-time';
import type { RunLimits } from '../common/run-budget';

/** Updates and the status query of an onboarding case (issue 14): defined once, used by the workflow and the API. */

/** `onboarding-<agentId>`: one onboarding per agent, for life (refreshers run on after certification). */
export const ONBOARDING_ID = /^onboarding-[a-z0-9][a-z0-9._-]{0,63}$/;
export const onboardingIdOf = (agentId: string): string => `onboarding-${agentId}`;

export interface OnboardingInput {
  caseId: string;
  agentId: string;
  brand: string;
  tier: AgentTier;
  teamLead: string | null;
  startedAt: number;
  startedBy: string;
  policy: OnboardingPolicy;
  carried?: OnboardingCarried;
  /** Tests only (the API never sets it): smaller run limits, so a case continues as new after a few actions. */
  runLimits?: Partial<RunLimits>;
}

/** What the next run needs beyond its input: the case, the recorder's numbering, the retried updates. */
export interface OnboardingCarried extends RecorderCarried {
  c: OnboardingCase;
  attention: NeedsAttentionView | null;
  updates: string[];
  registry: RegistryShown;
  /** Registry changes decided but not yet written (the loop writes them, in order). */
  announce?: AgentStatusChange[];
}

/** The registry status the case last set (an agent starts in `onboarding`) and how many it set: each change's key counts on. */
export interface RegistryShown {
  status: AgentStatus;
  changes: number;
}

export interface OnboardingView {
  id: string;
  agentId: string;
  brand: string;
  tier: AgentTier;
  teamLead: string | null;
  phase: OnboardingPhase;
  policyVersion: string;
  startedAt: string;
  /** Hours recorded per classroom module against its planned range. */
  modules: { id: string; name: string; hours: number; min: number; max: number | null }[];
  classroom: { hours: number; plannedHours: number; dueAt: string | null; complete: boolean; completedAt: string | null; behind: string[] };
  mentor: string | null;
  mentored: { startsAt: string; earliestEndAt: string; closesAt: string; extended: boolean } | null;
  /** The last measurement of the gates (null: never measured). */
  gates: (Omit<GateValues, 'at' | 'since'> & { at: string; since: string }) | null;
  /** Gates that still hold certification back. */
  gatesOpen: string[];
  /** Double-blind: a review's scores appear only once both reviewers (and a calibrator, if needed) are in. */
  qa: { reviews: QaReviewView[]; scored: number } | null;
  decisions: { outcome: OnboardingDecision['outcome']; by: string; at: string; note: string }[];
  certifiedAt: string | null;
  refreshers: { id: string; name: string; dueAt: string; hoursRecorded: number; hoursRequired: number; cycle: number; mandatory: boolean; overdue: boolean; suspended: boolean }[];
  /** The next deadline (classroom, decision or refresher) and what is overdue now. */
  nextDeadline: string | null;
  overdue: string[];
  /** The moment the workflow waits for next, named as its timer is. */
  next: { at: string; summary: string } | null;
  /** Whether the registry lets the agent work tickets alone. */
  worksAlone: boolean;
  needsAttention?: NeedsAttentionView;
}

type Actor = OnboardingActor;

export const recordSessionUpdate = defineUpdate<OnboardingView, [{ actor: Actor; module: string; hours: number; heldOn?: string }]>('recordSession');
export const startMentoredUpdate = defineUpdate<OnboardingView, [{ actor: Actor; mentor: string }]>('startMentored');
export const scoreQaUpdate = defineUpdate<OnboardingView, [{ actor: Actor; reviewId: string; ticketId: string; criteria: Record<string, number> }]>('scoreQa');
export const evaluateGatesUpdate = defineUpdate<OnboardingView, [{ actor: Actor }]>('evaluateGates');
export const decideOnboardingUpdate = defineUpdate<OnboardingView, [{ actor: Actor; outcome: OnboardingDecision['outcome']; note: string }]>('decideOnboarding');
export const onboardingStatusQuery = defineStatusQuery<OnboardingView>();

/** The refusal types an onboarding update raises (the shared ones, and a role the case's rules refuse). */
export const OnboardingFailure = {
  InvalidTransition: 'InvalidTransition',
  InvalidValue: 'InvalidValue',
  Forbidden: 'OnboardingForbidden',
} as const;
