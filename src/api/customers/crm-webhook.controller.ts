import { Controller, Headers, HttpCode, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AppConfig } from '../../config/app-config';
import { HubSpotPayloadError, HubSpotSignatureError, parseHubSpotEvents, verifyHubSpotSignature } from '../../integrations/crm/hubspot-webhook';
import { Operation } from '../auth/roles.decorator';
import { ApiProblems } from '../problem/api-problems';
import { Problem } from '../problem/problem';
import { CrmEventOutcome, CrmWebhookService } from './crm-webhook.service';

export class CrmEventOutcomeResponse implements CrmEventOutcome {
  @ApiProperty({ example: '9000001' }) eventId: string;
  @ApiProperty({ enum: ['applied', 'no-change', 'refused', 'duplicate', 'ignored', 'unknown-object'] }) outcome: string;
  @ApiProperty({ required: false, example: 'ticket-01jd8k9d3v4m2q7w5x6y8z0a1b' }) caseId?: string;
  @ApiProperty({ required: false, example: 'priority S1' }) detail?: string;
}

export class CrmWebhookReceiptResponse {
  @ApiProperty({ enum: [true] }) received: true;
  @ApiProperty({ type: [CrmEventOutcomeResponse] }) events: CrmEventOutcomeResponse[];
}

/** The CRM's webhooks (HubSpot): signature verified on the raw body, each event acted on once. */
@ApiTags('customers')
@Controller('v1/webhooks/crm')
export class CrmWebhookController {
  constructor(
    private readonly webhooks: CrmWebhookService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @Operation('crm.webhook')
  @HttpCode(200)
  @ApiOperation({
    summary: 'HubSpot webhook endpoint: ticket.propertyChange events (X-HubSpot-Signature-v3 verified; each event ID acted on once)',
    description:
      'A mirrored ticket closed in HubSpot (hs_pipeline_stage 4) is resolved here; its caseworks_priority changed there changes its priority here; ' +
      'the HubSpot user is the actor. A change the ticket refuses is not applied and the HubSpot ticket is put back to the case\'s state.',
  })
  @ApiOkResponse({ type: CrmWebhookReceiptResponse })
  @ApiProblems([400, 'The signature does not verify or is older than 5 minutes (problem type bad-signature), or the body is not HubSpot events'], [503, 'HUBSPOT_WEBHOOK_SECRET is not set, or a case could not be reached (HubSpot retries the delivery)'])
  async receive(@Req() req: RawBodyRequest<Request>, @Headers('x-hubspot-signature-v3') signature: string | undefined, @Headers('x-hubspot-request-timestamp') timestamp: string | undefined): Promise<CrmWebhookReceiptResponse> {
    const secret = this.config.HUBSPOT_WEBHOOK_SECRET;
    if (!secret) throw new Problem(503, 'webhook-not-configured', 'CRM webhooks are not configured', 'set HUBSPOT_WEBHOOK_SECRET to receive HubSpot webhooks');
    if (!req.rawBody) throw Problem.validation([{ field: 'body', message: 'a JSON body' }]);
    // HubSpot signs the address it called: the public one when configured, else the one this request came to.
    const base = this.config.PUBLIC_API_URL?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host')}`;
    const rawBody = req.rawBody.toString('utf8');
    try {
      verifyHubSpotSignature({ method: req.method, url: `${base}${req.originalUrl}`, rawBody, signature, timestamp, secret });
    } catch (err) {
      if (err instanceof HubSpotSignatureError) throw new Problem(400, 'bad-signature', 'Signature not verified', err.message, { errors: [{ field: err.header, message: err.message }] });
      throw err;
    }
    let events;
    try {
      events = parseHubSpotEvents(JSON.parse(rawBody));
    } catch (err) {
      if (err instanceof HubSpotPayloadError) throw Problem.validation([{ field: err.field, message: err.message }]);
      throw err;
    }
    return { received: true, events: await this.webhooks.apply(events) };
  }
}
