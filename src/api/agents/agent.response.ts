import { ApiProperty } from '@nestjs/swagger';
import { AGENT_STATUSES, AGENT_TIERS } from '../../domain/onboarding/agent';
import { OnboardingResponse } from './onboarding.response';

export class AgentStatusChangeResponse {
  @ApiProperty({ nullable: true, type: String, enum: AGENT_STATUSES }) from: string | null;
  @ApiProperty({ enum: AGENT_STATUSES }) to: string;
  @ApiProperty() reason: string;
  @ApiProperty({ example: 'ada-admin' }) by: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class AgentSummaryResponse {
  @ApiProperty({ example: 'ann' }) id: string;
  @ApiProperty({ example: 'vivtone' }) brand: string;
  @ApiProperty({ enum: AGENT_TIERS }) tier: string;
  @ApiProperty({ nullable: true, type: String, example: 'lee' }) teamLead: string | null;
  @ApiProperty({ enum: AGENT_STATUSES, description: 'onboarding and mentored: assigned only with a mentor named; suspended: nothing new' }) status: string;
  @ApiProperty({ description: 'May this agent be assigned tickets of their brand without a mentor?' }) worksAlone: boolean;
  @ApiProperty({ nullable: true, type: [String], example: ['product', 'plans-billing'], description: 'The modules an onboarding case certified the agent for (ticket categories may need some); null: certified by hand, or not yet' })
  competencies: string[] | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AgentResponse extends AgentSummaryResponse {
  @ApiProperty({ type: [AgentStatusChangeResponse], description: 'Every status change, oldest first' }) history: AgentStatusChangeResponse[];
}

export class AgentDetailResponse extends AgentResponse {
  @ApiProperty({ nullable: true, type: OnboardingResponse, description: 'The onboarding case (GET /v1/agents/{id}/onboarding); null when none was started' })
  onboarding: OnboardingResponse | null;
}

export class AgentListResponse {
  @ApiProperty({ type: [AgentSummaryResponse], description: 'By ID, at most 500' }) items: AgentSummaryResponse[];
}
