import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const TARGET = { type: String, example: '4h', description: 'A duration as the pack states it (30s, 15m, 4h, 3d)' } as const;

class TargetsResponse {
  @ApiPropertyOptional(TARGET) firstResponse?: string;
  @ApiPropertyOptional(TARGET) nextResponse?: string;
  @ApiPropertyOptional(TARGET) resolution?: string;
  @ApiPropertyOptional(TARGET) mitigation?: string;
  @ApiPropertyOptional({ ...TARGET, example: '2m', description: "Chat: the wait until an agent picks the chat up. " + TARGET.description }) queueWait?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', enum: ['business', 'calendar'] },
    example: { firstResponse: 'business', resolution: 'calendar' },
    description: "Each target's clock where the pack names one: business (the coverage calendar's open hours) or calendar (elapsed time). A target not listed: business",
  })
  clocks?: Record<string, 'business' | 'calendar'>;
}

export class PriorityTargetsResponse extends TargetsResponse {
  @ApiProperty({ example: 'P2' }) priority: string;
  @ApiProperty({ example: 'Severe degradation' }) label: string;
  @ApiProperty({ example: 'business', description: 'The calendar its clocks run on' }) coverage: string;
}

export class ChannelTargetsResponse extends TargetsResponse {
  @ApiProperty({ example: 'chat' }) channel: string;
}

class WorkingWindowResponse {
  @ApiProperty({ example: '09:00' }) start: string;
  @ApiProperty({ example: '17:00' }) end: string;
}

export class CalendarResponse {
  @ApiProperty({ example: 'business' }) name: string;
  @ApiProperty({ description: 'Open around the clock (24×7): no hours, no holidays' }) alwaysOpen: boolean;
  @ApiPropertyOptional({ example: 'America/Chicago' }) timeZone?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { $ref: '#/components/schemas/WorkingWindowResponse' } },
    description: 'Working windows per weekday (mon…sun)',
  })
  weekly?: Record<string, WorkingWindowResponse[]>;
  @ApiProperty({ type: [String], example: ['2026-11-26', '2026-12-25'], description: 'Closed dates this year and next: listed in the pack or given by its holiday rules' })
  holidays: string[];
}

class MoneyResponse {
  @ApiProperty({ example: 120000 }) amountMinor: number;
  @ApiProperty({ example: 'USD' }) currency: string;
}

export class PlanResponse {
  @ApiProperty({ example: 'enterprise' }) plan: string;
  @ApiProperty() label: string;
  @ApiProperty({ example: '24x7' }) coverage: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { phone: 'weekdays' }, description: "A channel's own calendar under this plan (001: 24×5 phone for standard customers)" })
  channelCoverage?: Record<string, string>;
  @ApiProperty({ type: [String] }) channels: string[];
  @ApiPropertyOptional({ type: MoneyResponse }) monthlyFee?: MoneyResponse;
}

class CreditRuleResponse {
  @ApiProperty({ example: 'S1' }) priority: string;
  @ApiProperty({ example: 'firstResponse' }) metric: string;
  @ApiProperty({ example: 10, description: 'Percent of the monthly fee per breach' }) percent: number;
}

export class CreditScheduleResponse {
  @ApiProperty({ type: [String], description: 'Plans that earn credits' }) plans: string[];
  @ApiProperty({ type: [CreditRuleResponse] }) perBreach: CreditRuleResponse[];
  @ApiProperty({ example: 25, description: 'Credits in a month stop at this percent of the fee' }) monthlyCapPercent: number;
}

class RootCauseResponse {
  @ApiProperty({ example: 'known-issue', description: 'What POST /v1/tickets/{id}/root-cause takes' }) id: string;
  @ApiProperty({ example: 'A known issue in the runbook (product bug not yet fixed)' }) label: string;
  @ApiProperty({ description: 'Counted as a preventable ticket in the monthly and quarterly reports' }) preventable: boolean;
}

export class PublishedPolicyResponse {
  @ApiProperty({ example: 'vivtone' }) brand: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ example: '2026-12-04.1', description: 'The version new tickets are pinned to' }) version: string;
  @ApiProperty({ description: 'The document the numbers come from' }) source: string;
  @ApiProperty({ type: [PriorityTargetsResponse] }) priorities: PriorityTargetsResponse[];
  @ApiProperty({ type: [ChannelTargetsResponse] }) channels: ChannelTargetsResponse[];
  @ApiProperty({ type: [CalendarResponse] }) calendars: CalendarResponse[];
  @ApiProperty({ type: [PlanResponse] }) plans: PlanResponse[];
  @ApiProperty({ type: CreditScheduleResponse, nullable: true }) credits: CreditScheduleResponse | null;
  @ApiProperty({ example: 0.75, description: 'Share of a window after which a running clock is at risk' }) atRiskAt: number;
  @ApiProperty({ example: '7d' }) reopenWindow: string;
  @ApiProperty({ example: '4d' }) autoCloseAfter: string;
  @ApiProperty({ type: [RootCauseResponse], description: "The root causes agents tag this brand's tickets with (the current version's)" }) rootCauses: RootCauseResponse[];
}

/** Referenced by CalendarResponse.weekly's schema. */
export { WorkingWindowResponse };
