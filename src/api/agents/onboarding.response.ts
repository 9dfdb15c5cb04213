import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ONBOARDING_PHASES } from '../../domain/onboarding/case';
import { AGENT_TIERS } from '../../domain/onboarding/agent';

class OnboardingModuleResponse {
  @ApiProperty({ example: 'product' }) id: string;
  @ApiProperty({ example: 'Product and integrations' }) name: string;
  @ApiProperty({ example: 12.5, description: 'Hours recorded' }) hours: number;
  @ApiProperty({ example: 16 }) min: number;
  @ApiProperty({ nullable: true, type: Number, example: null }) max: number | null;
}

class OnboardingClassroomResponse {
  @ApiProperty({ example: 38 }) hours: number;
  @ApiProperty({ example: 40 }) plannedHours: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Null: competency-based (no deadline)' }) dueAt: string | null;
  @ApiProperty() complete: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) completedAt: string | null;
  @ApiProperty({ type: [String], description: 'Modules behind a straight-line plan now (at risk)' }) behind: string[];
}

class OnboardingMentoredResponse {
  @ApiProperty({ format: 'date-time' }) startsAt: string;
  @ApiProperty({ format: 'date-time', description: 'Certification no earlier (minWeeks)' }) earliestEndAt: string;
  @ApiProperty({ format: 'date-time', description: 'The decision is due (maxWeeks, or the extension)' }) closesAt: string;
  @ApiProperty() extended: boolean;
}

class QaReviewResponse {
  @ApiProperty({ example: 'qa-2026-w10-1' }) id: string;
  @ApiProperty() ticketId: string;
  @ApiProperty({ enum: ['open', 'calibration', 'scored'] }) state: string;
  @ApiProperty({ example: 1 }) scoresIn: number;
  @ApiProperty({ type: [String], description: 'Who has scored (never what, while the review is blind)' }) reviewers: string[];
  @ApiProperty({ nullable: true, type: 'array', items: { type: 'object' }, description: 'Revealed once the review is scored; null while blind' }) scores: unknown[] | null;
  @ApiProperty({ nullable: true, type: Number }) final: number | null;
  @ApiProperty({ nullable: true, type: Boolean }) passed: boolean | null;
}

class OnboardingQaResponse {
  @ApiProperty({ type: [QaReviewResponse] }) reviews: QaReviewResponse[];
  @ApiProperty({ description: 'Reviews scored in all' }) scored: number;
}

class OnboardingDecisionResponse {
  @ApiProperty({ enum: ['certify', 'extend', 'stop'] }) outcome: string;
  @ApiProperty({ example: 'ops-olga' }) by: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() note: string;
}

class OnboardingRefresherResponse {
  @ApiProperty({ example: 'annual-compliance' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty() hoursRecorded: number;
  @ApiProperty() hoursRequired: number;
  @ApiProperty() cycle: number;
  @ApiProperty({ description: 'Overdue past its grace, it suspends solo work' }) mandatory: boolean;
  @ApiProperty() overdue: boolean;
  @ApiProperty() suspended: boolean;
}

class OnboardingNextResponse {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: 'weekly check-in 3 (classroom 24 of 40 h)' }) summary: string;
}

export class OnboardingResponse {
  @ApiProperty({ example: 'onboarding-hire-0042' }) id: string;
  @ApiProperty({ example: 'hire-0042' }) agentId: string;
  @ApiProperty({ example: 'vivtone' }) brand: string;
  @ApiProperty({ enum: AGENT_TIERS }) tier: string;
  @ApiProperty({ nullable: true, type: String }) teamLead: string | null;
  @ApiProperty({ enum: ONBOARDING_PHASES }) phase: string;
  @ApiProperty({ description: 'The policy pack version the curriculum was pinned from' }) policyVersion: string;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ type: [OnboardingModuleResponse] }) modules: OnboardingModuleResponse[];
  @ApiProperty({ type: OnboardingClassroomResponse }) classroom: OnboardingClassroomResponse;
  @ApiProperty({ nullable: true, type: String }) mentor: string | null;
  @ApiProperty({ nullable: true, type: OnboardingMentoredResponse }) mentored: OnboardingMentoredResponse | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'The last measurement: aht, csat, qa (each with its value, the target and pass: true/false, or null while too few tickets or reviews)' })
  gates: Record<string, unknown> | null;
  @ApiProperty({ type: [String], example: ['aht', 'csat'], description: 'Gates holding certification back' }) gatesOpen: string[];
  @ApiProperty({ nullable: true, type: OnboardingQaResponse, description: 'Null: the curriculum has no QA rubric' }) qa: OnboardingQaResponse | null;
  @ApiProperty({ type: [OnboardingDecisionResponse] }) decisions: OnboardingDecisionResponse[];
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) certifiedAt: string | null;
  @ApiProperty({ type: [OnboardingRefresherResponse] }) refreshers: OnboardingRefresherResponse[];
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) nextDeadline: string | null;
  @ApiProperty({ type: [String], example: ['classroom'], description: 'What is overdue now: classroom, decision, refresher:<id>' }) overdue: string[];
  @ApiProperty({ nullable: true, type: OnboardingNextResponse }) next: OnboardingNextResponse | null;
  @ApiProperty({ description: 'Whether the agent may work tickets alone' }) worksAlone: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "Set when the read model refused a record" }) needsAttention?: object;
}
