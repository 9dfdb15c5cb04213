import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import { constructStripeEvent, WebhookPayloadError, WebhookSignatureError } from '../../integrations/billing/stripe-webhook';
import type { RefundView } from '../../workflows/billing/messages';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { BILLING_WEBHOOK_CALLER, runAsCaller } from '../auth/request-context';
import { Operation } from '../auth/roles.decorator';
import { checkIdempotencyKey } from '../idempotency/idempotency-key';
import { answerCreate } from '../idempotency/replay-response';
import { Problem } from '../problem/problem';
import { BillingService } from './billing.service';
import { BillingEventsQuery } from './billing-events';
import { ConfirmIdentityDto, CreateRefundDto, EvidenceDto, RetentionAnswerDto } from './refund.dto';

@ApiTags('billing')
@ApiBearerAuth()
@Controller('v1/refunds')
export class RefundsController {
  constructor(private readonly billing: BillingService) {}

  @Post()
  @Operation('refunds.open')
  @ApiOperation({ summary: 'Open a refund case: identity, eligibility, retention offer, cancellation, one refund, settlement' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async open(@Body() dto: CreateRefundDto, @Headers('idempotency-key') key: string | undefined, @CurrentPrincipal() caller: Principal, @Res({ passthrough: true }) res: Response): Promise<RefundView> {
    const { refund, replayed } = await this.billing.openRefund(dto, checkIdempotencyKey(key), caller);
    answerCreate(res, replayed, `/v1/refunds/${refund.id}`);
    return refund;
  }

  @Get(':id')
  @Operation('refunds.read')
  get(@Param('id') id: string, @CurrentPrincipal() caller: Principal) {
    return this.billing.getRefund(id, caller);
  }

  @Get(':id/events')
  @Operation('refunds.events')
  @ApiOperation({ summary: "The refund case's history from the read model, in the order the case applied it" })
  events(@Param('id') id: string, @Query() q: BillingEventsQuery, @CurrentPrincipal() caller: Principal) {
    return this.billing.events(id, caller, q);
  }

  @Post(':id/confirm-identity')
  @Operation('refunds.confirmIdentity')
  @HttpCode(200)
  @ApiOperation({ summary: 'The agent confirmed the customer is who they say (nothing moves before this)' })
  confirmIdentity(@Param('id') id: string, @Body() dto: ConfirmIdentityDto, @CurrentPrincipal() caller: Principal) {
    return this.billing.confirmIdentity(id, dto.method, caller);
  }

  @Post(':id/retention')
  @Operation('refunds.retention')
  @HttpCode(200)
  @ApiOperation({ summary: "The customer's answer to the retention offer (accepted: no cancellation, no refund)" })
  retention(@Param('id') id: string, @Body() dto: RetentionAnswerDto, @CurrentPrincipal() caller: Principal) {
    return this.billing.retentionAnswer(id, dto.accepted, caller);
  }
}

@ApiTags('billing')
@ApiBearerAuth()
@Controller('v1/disputes')
export class DisputesController {
  constructor(private readonly billing: BillingService) {}

  @Get(':id')
  @Operation('disputes.read')
  @ApiOperation({ summary: 'A chargeback case: deadline, decision, evidence collected and missing, status' })
  get(@Param('id') id: string, @CurrentPrincipal() caller: Principal) {
    return this.billing.getDispute(id, caller);
  }

  @Get(':id/events')
  @Operation('disputes.events')
  @ApiOperation({ summary: "The dispute's whole history (the view holds its last 20 steps), each evidence value as it was added; paged by cursor" })
  events(@Param('id') id: string, @Query() q: BillingEventsQuery, @CurrentPrincipal() caller: Principal) {
    return this.billing.disputeEvents(id, caller, q);
  }

  @Post(':id/evidence')
  @Operation('disputes.evidence')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add one evidence item (access log, cancellation policy, customer communication…); submitted once complete' })
  evidence(@Param('id') id: string, @Body() dto: EvidenceDto, @CurrentPrincipal() caller: Principal) {
    return this.billing.addEvidence(id, dto.item, dto.value, caller);
  }
}

/** The gateway's webhooks: signature verified on the raw body, each event acted on once. */
@ApiTags('billing')
@Controller('v1/webhooks/billing')
export class BillingWebhookController {
  constructor(
    private readonly billing: BillingService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @Operation('billing.webhook')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stripe webhook endpoint (Stripe-Signature verified; duplicates ignored)' })
  async receive(@Req() req: RawBodyRequest<Request>, @Headers('stripe-signature') signature: string | undefined, @Query('brand') brand: string | undefined) {
    const secret = this.config.BILLING_WEBHOOK_SECRET;
    if (!secret) throw new Problem(503, 'webhook-not-configured', 'Billing webhooks are not configured', 'set BILLING_WEBHOOK_SECRET to receive gateway webhooks');
    if (!req.rawBody) throw Problem.validation([{ field: 'body', message: 'a JSON body' }]);
    let event;
    try {
      event = constructStripeEvent(req.rawBody, signature, secret);
    } catch (err) {
      if (err instanceof WebhookSignatureError) throw new Problem(400, 'bad-signature', 'Signature not verified', err.message, { errors: [{ field: 'header:Stripe-Signature', message: err.message }] });
      if (err instanceof WebhookPayloadError) throw Problem.validation([{ field: err.field, message: err.message }]);
      throw err;
    }
    const { duplicate, action } = await runAsCaller(BILLING_WEBHOOK_CALLER, () => this.billing.applyWebhook(event, brand));
    return { received: true, duplicate, action };
  }
}
