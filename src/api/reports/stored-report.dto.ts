import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { REPORT_KINDS, type ReportKind } from '../../domain/reporting/report-period';

/** POST /v1/reports/runs: generate (or find) one period's stored report now. */
export class GenerateReportDto {
  @ApiProperty({ enum: REPORT_KINDS, example: 'daily' })
  @IsIn(REPORT_KINDS)
  kind: ReportKind;

  @ApiPropertyOptional({ example: '2026-12-03', description: 'daily 2026-12-03, weekly 2026-W49, monthly 2026-11, quarterly 2026-Q4; default the last complete period' })
  @IsOptional()
  @IsString()
  @Length(1, 16)
  period?: string;

  @ApiPropertyOptional({ example: 'uoozee', description: 'One brand; default every brand with a policy pack' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  brand?: string;
}

const OBJECT = { type: 'object', additionalProperties: true } as const;

class KpiTargetResponse {
  @ApiPropertyOptional() min?: number;
  @ApiPropertyOptional() max?: number;
  @ApiPropertyOptional({ description: 'Exclusive lower bound (000: NPS "above 35")' }) above?: number;
  @ApiPropertyOptional({ description: 'Reported, not judged (001: CSAT "88–92%")' }) stretch?: number;
}

export class KpiReadingResponse {
  @ApiProperty({ enum: ['csat', 'nps', 'fcr', 'aht', 'phoneServiceLevel', 'preventableChange'] }) name: string;
  @ApiProperty({ nullable: true, type: Number }) value: number | null;
  @ApiProperty({ enum: ['share', 'score', 'seconds'] }) unit: string;
  @ApiProperty({ type: KpiTargetResponse, nullable: true, description: "The pack's target (kpis.targets); null: none" }) target: KpiTargetResponse | null;
  @ApiProperty({ nullable: true, type: Boolean, description: 'null: no data in the period, or no target' }) met: boolean | null;
}

export class StoredReportResponse {
  @ApiProperty({ example: 'report-daily-uoozee-2026-12-03-v1' }) id: string;
  @ApiProperty({ enum: REPORT_KINDS }) kind: string;
  @ApiProperty() brand: string;
  @ApiProperty({ example: '2026-12-03' }) period: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ description: 'A new policy version of the brand makes a new version of the period’s report' }) version: number;
  @ApiProperty() policyVersion: string;
  @ApiProperty() generatedAt: string;
  @ApiProperty({ description: 'The workflow that generated it' }) generatedBy: string;
  @ApiProperty({ nullable: true, type: String, description: 'When the notification relay took it' }) deliveredAt: string | null;
  @ApiProperty({ type: [KpiReadingResponse] }) kpis: KpiReadingResponse[];
  @ApiProperty({ ...OBJECT, description: 'The figures (see README › Reports on a cadence)' }) body: Record<string, unknown>;
}

export class StoredReportsResponse {
  @ApiProperty({ enum: REPORT_KINDS }) kind: string;
  @ApiProperty() period: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ type: [StoredReportResponse], description: 'The latest version per brand' }) reports: StoredReportResponse[];
}

class GeneratedReportRefResponse {
  @ApiProperty() id: string;
  @ApiProperty() brand: string;
  @ApiProperty() version: number;
  @ApiProperty({ description: 'false: it was stored already (same policy version)' }) created: boolean;
}

export class GenerateReportResponse {
  @ApiProperty({ example: 'report-daily-2026-12-03' }) workflowId: string;
  @ApiProperty({ enum: REPORT_KINDS }) kind: string;
  @ApiProperty() period: string;
  @ApiProperty({ description: 'false: still running after 25 s (202); read it later with GET' }) done: boolean;
  @ApiPropertyOptional({ type: [GeneratedReportRefResponse] }) reports?: GeneratedReportRefResponse[];
}
