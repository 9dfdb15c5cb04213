import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import { constructStripeEvent, WebhookPayloadError, WebhookSignatureError } from '../../integrations/billing/stripe-webhook';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { BILLING_WEBHOOK_CALLER, runAsCaller } from '../auth/request-context';
import { Operation } from '../auth/roles.decorator';
import { checkIdempotencyKey } from '../idempotency/idempotency-key';
import { answerCreate } from '../idempotency/replay-response';
import { CaseEventsPageResponse } from '../common/case-parts.response';
import { ApiProblems, CaseActionProblems, CaseReadProblems } from '../problem/api-problems';
import { Problem } from '../problem/problem';
import { DisputeResponse, RefundResponse, WebhookReceiptResponse } from './billing.response';
import { BillingService } from './billing.service';
import { BillingEventsQuery } from './billing-events';
import { ConfirmIdentityDto, CreateRefundDto, EvidenceDto, RetentionAnswerDto } from './refund.dto';

/** A refund action's answers: the case after it, or why the case refused it. */
const RefundActionAnswers = () => applyDecorators(ApiOkResponse({ type: RefundResponse, description: 'The refund case after the action' }), CaseActionProblems());
/** A billing case's events: one page of them, or no such case. */
const EventsPageAnswers = () => applyDecorators(ApiOkResponse({ type: CaseEventsPageResponse }), ApiProblems(404, [400, 'A cursor this API did not issue, or a limit outside 1–500']));

@ApiTags('billing')
@ApiBearerAuth()
@Controller('v1/refunds')
export class RefundsController {
  constructor(private readonly billing: BillingService) {}

  @Post()
  @Operation('refunds.open')
  @ApiOperation({ summary: 'Open a refund case: identity, eligibility, retention offer, cancellation, one refund, settlement' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: RefundResponse, description: 'Opened (Location: the case)' })
  @ApiOkResponse({ type: RefundResponse, description: 'Replayed: this Idempotency-Key already opened it' })
  @ApiProblems([422, 'No billing policy for the brand, another brand than the key’s, a period that ends before it starts, or a reused Idempotency-Key'])
  async open(@Body() dto: CreateRefundDto, @Headers('idempotency-key') key: string | undefined, @CurrentPrincipal() caller: Principal, @Res({ passthrough: true }) res: Response): Promise<RefundResponse> {
    const { refund, replayed } = await this.billing.openRefund(dto, checkIdempotencyKey(key), caller);
    answerCreate(res, replayed, `/v1/refunds/${refund.id}`);
    return refund;
  }

  @Get(':id')
  @Operation('refunds.read')
  @ApiOperation({ summary: 'A refund case: identity, eligibility, retention offer, the gateway refund and its settlement clock' })
  @ApiOkResponse({ type: RefundResponse })
  @CaseReadProblems()
  get(@Param('id') id: string, @CurrentPrincipal() caller: Principal): Promise<RefundResponse> {
    return this.billing.getRefund(id, caller);
  }

  @Get(':id/events')
  @Operation('refunds.events')
  @ApiOperation({ summary: "The refund case's history from the read model, in the order the case applied it" })
  @EventsPageAnswers()
  events(@Param('id') id: string, @Query() q: BillingEventsQuery, @CurrentPrincipal() caller: Principal): Promise<CaseEventsPageResponse> {
    return this.billing.events(id, caller, q);
  }

  @Post(':id/confirm-identity')
  @Operation('refunds.confirmIdentity')
  @HttpCode(200)
  @ApiOperation({ summary: 'The agent confirmed the customer is who they say (nothing moves before this)' })
  @RefundActionAnswers()
  confirmIdentity(@Param('id') id: string, @Body() dto: ConfirmIdentityDto, @CurrentPrincipal() caller: Principal): Promise<RefundResponse> {
    return this.billing.confirmIdentity(id, dto.method, caller);
  }

  @Post(':id/retention')
  @Operation('refunds.retention')
  @HttpCode(200)
  @ApiOperation({ summary: "The customer's answer to the retention offer (accepted: no cancellation, no refund)" })
  @RefundActionAnswers()
  retention(@Param('id') id: string, @Body() dto: RetentionAnswerDto, @CurrentPrincipal() caller: Principal): Promise<RefundResponse> {
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
  @ApiOkResponse({ type: DisputeResponse })
  @CaseReadProblems()
  get(@Param('id') id: string, @CurrentPrincipal() caller: Principal): Promise<DisputeResponse> {
    return this.billing.getDispute(id, caller);
  }

  @Get(':id/events')
  @Operation('disputes.events')
  @ApiOperation({ summary: "The dispute's whole history (the view holds its last 20 steps), each evidence value as it was added; paged by cursor" })
  @EventsPageAnswers()
  events(@Param('id') id: string, @Query() q: BillingEventsQuery, @CurrentPrincipal() caller: Principal): Promise<CaseEventsPageResponse> {
    return this.billing.disputeEvents(id, caller, q);
  }

  @Post(':id/evidence')
  @Operation('disputes.evidence')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add one evidence item (access log, cancellation policy, customer communication…); submitted once complete' })
  @ApiOkResponse({ type: DisputeResponse, description: 'The dispute after the evidence was added' })
  @CaseActionProblems([422, 'An evidence item the checklist does not have, or a value holding a card number'])
  evidence(@Param('id') id: string, @Body() dto: EvidenceDto, @CurrentPrincipal() caller: Principal): Promise<DisputeResponse> {
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
  @ApiOkResponse({ type: WebhookReceiptResponse })
  @ApiProblems([400, 'The Stripe-Signature does not verify (problem type bad-signature), the payload is not an event, or the brand is not named'])
  async receive(@Req() req: RawBodyRequest<Request>, @Headers('stripe-signature') signature: string | undefined, @Query('brand') brand: string | undefined): Promise<WebhookReceiptResponse> {
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
