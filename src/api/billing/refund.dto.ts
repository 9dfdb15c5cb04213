import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsString, Length, Matches } from 'class-validator';
import { EVIDENCE_ITEMS } from '../../domain/billing/dispute';
import { PLAN_INTERVALS, REFUND_REASONS } from '../../domain/billing/refund';
import { IsRealDateTime } from '../input/is-real-date-time';
import { NestedObject } from '../input/nested-object';
import { IsMoneyMinor, MAX_MONEY_MINOR } from '../input/safe-numbers';

class PlanDto {
  @ApiProperty({ enum: PLAN_INTERVALS, example: 'year' })
  @IsIn(PLAN_INTERVALS)
  interval: (typeof PLAN_INTERVALS)[number];

  @ApiProperty({ example: 9999, minimum: 1, maximum: MAX_MONEY_MINOR, description: 'Price of one period in minor units' })
  @IsMoneyMinor(1)
  priceMinor: number;

  @ApiProperty({ example: 'USD' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code in capitals' })
  currency: string;
}

class PeriodDto {
  @ApiProperty({ example: '2026-11-20T00:00:00Z', format: 'date-time' })
  @IsRealDateTime()
  start: string;

  @ApiProperty({ example: '2027-11-20T00:00:00Z', format: 'date-time' })
  @IsRealDateTime()
  end: string;
}

export class CreateRefundDto {
  @ApiProperty({ example: 'uoozee' })
  @Matches(/^[a-z][a-z0-9-]*$/, { message: 'brand must be a lower-case brand slug' })
  brand: string;

  @ApiProperty({ example: 'cust_4711', description: "The customer's CRM ID (no names or e-mail addresses)" })
  @IsString()
  @Length(1, 200)
  customerRef: string;

  @ApiProperty({ example: 'sub_1QX' })
  @IsString()
  @Length(1, 200)
  subscriptionId: string;

  @ApiProperty({ type: PlanDto })
  @NestedObject(() => PlanDto)
  plan: PlanDto;

  @ApiProperty({ example: '2026-11-20T10:00:00Z', format: 'date-time', description: 'When the current term was bought' })
  @IsRealDateTime()
  purchasedAt: string;

  @ApiProperty({ type: PeriodDto })
  @NestedObject(() => PeriodDto)
  currentPeriod: PeriodDto;

  @ApiProperty({ example: 'ch_3QX', description: "The gateway's charge (transaction) ID — never a card number" })
  @Matches(/^(ch|py)_[A-Za-z0-9_]{1,100}$/, { message: 'paymentReference must be a charge ID (ch_…)' })
  paymentReference: string;

  @ApiProperty({ enum: REFUND_REASONS })
  @IsIn(REFUND_REASONS)
  reason: (typeof REFUND_REASONS)[number];
}

export class ConfirmIdentityDto {
  @ApiProperty({ example: 'one-time code sent to the account e-mail', description: 'How identity was confirmed (no secrets)' })
  @IsString()
  @Length(1, 200)
  method: string;
}

export class RetentionAnswerDto {
  @ApiProperty({ example: false })
  @IsBoolean()
  accepted: boolean;
}

export class EvidenceDto {
  @ApiProperty({ enum: EVIDENCE_ITEMS })
  @IsIn(EVIDENCE_ITEMS)
  item: (typeof EVIDENCE_ITEMS)[number];

  @ApiProperty({ example: 'https://files.uoozee.example/evidence/access-log-cust_9.csv', description: 'The item, or a link to it (no card data)' })
  @IsString()
  @Length(1, 20000)
  value: string;
}
