import { ApiProperty } from '@nestjs/swagger';

class AccountSlaPeriodResponse {
  @ApiProperty() from: string;
  @ApiProperty() to: string;
}

class AccountSummaryResponse {
  @ApiProperty({ example: 'acme-media' }) id: string;
  @ApiProperty({ nullable: true, type: String }) brand: string | null;
  @ApiProperty() name: string;
}

export class AccountComplianceRowResponse {
  @ApiProperty({ example: 'vivtone' }) brand: string;
  @ApiProperty({ example: 'S1' }) priority: string;
  @ApiProperty({ example: 'firstResponse' }) metric: string;
  @ApiProperty() met: number;
  @ApiProperty() breached: number;
  @ApiProperty() total: number;
  @ApiProperty({ nullable: true, type: Number, description: 'met / total, 4 decimals' }) compliance: number | null;
}

export class AccountCreditTotalResponse {
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ description: 'Credits earned in the period (minor units)' }) earnedMinor: number;
  @ApiProperty({ description: 'Of those, not yet settled: owed' }) owedMinor: number;
  @ApiProperty() credits: number;
}

export class AccountCreditResponse {
  @ApiProperty() ticketId: string;
  @ApiProperty() priority: string;
  @ApiProperty() metric: string;
  @ApiProperty({ description: 'Percent of the monthly fee' }) percent: number;
  @ApiProperty() amountMinor: number;
  @ApiProperty() currency: string;
  @ApiProperty() breachedAt: string;
  @ApiProperty({ nullable: true, type: String }) settledAt: string | null;
}

/** A client account's own SLA compliance and credits (001: "transparent measurement on the customer portal"). */
export class AccountSlaResponse {
  @ApiProperty({ type: AccountSummaryResponse }) account: AccountSummaryResponse;
  @ApiProperty({ type: AccountSlaPeriodResponse }) period: AccountSlaPeriodResponse;
  @ApiProperty({ type: [AccountComplianceRowResponse], description: "Settled SLA clocks of the account's tickets opened in the period, per priority and metric" })
  compliance: AccountComplianceRowResponse[];
  @ApiProperty({ type: [AccountCreditTotalResponse], description: 'SLA credits for breaches in the period, per currency' }) creditTotals: AccountCreditTotalResponse[];
  @ApiProperty({ type: [AccountCreditResponse], description: 'The credits, newest breach first (at most 500)' }) credits: AccountCreditResponse[];
}
