import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { AGENT_STATUSES, AGENT_TIERS, type AgentStatus, type AgentTier } from '../../domain/onboarding/agent';

/** The handle an agent works under: what tickets are assigned to and their actions are recorded as. */
export const AGENT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const AGENT_ID_MESSAGE = 'an agent ID is 1–64 lower-case letters, digits, . _ or - (ann)';

export class CreateAgentDto {
  @ApiProperty({ example: 'hire-0042', description: 'The handle tickets are assigned to and actions are recorded under.' })
  @IsString()
  @Matches(AGENT_ID, { message: AGENT_ID_MESSAGE })
  id: string;

  @ApiProperty({ example: 'vivtone' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]*$/, { message: 'a brand is a lower-case slug (uoozee)' })
  @Length(1, 64)
  brand: string;

  @ApiProperty({ enum: AGENT_TIERS, example: 'L1', description: '001: Level 1 (triage), Level 2 (specialists), Level 3 (engineering), Customer Success' })
  @IsIn(AGENT_TIERS, { message: `one of ${AGENT_TIERS.join(', ')}` })
  tier: AgentTier;

  @ApiPropertyOptional({ example: 'lead-0007', description: 'The team lead (an agent ID): told when training falls behind.' })
  @IsOptional()
  @IsString()
  @Matches(AGENT_ID, { message: AGENT_ID_MESSAGE })
  teamLead?: string;
}

export class AgentStatusDto {
  @ApiProperty({ enum: AGENT_STATUSES, example: 'suspended' })
  @IsIn(AGENT_STATUSES, { message: `one of ${AGENT_STATUSES.join(', ')}` })
  status: AgentStatus;

  @ApiProperty({ example: 'Annual compliance training overdue', description: 'Why: kept with who changed it and when.' })
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class ListAgentsQuery {
  @ApiPropertyOptional({ example: 'vivtone' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  brand?: string;

  @ApiPropertyOptional({ enum: AGENT_STATUSES })
  @IsOptional()
  @IsIn(AGENT_STATUSES, { message: `one of ${AGENT_STATUSES.join(', ')}` })
  status?: AgentStatus;
}
