import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Operation } from '../auth/roles.decorator';
import { ApiProblems } from '../problem/api-problems';
import { SlaCreditListResponse, SlaCreditSettleResponse } from './billing.response';
import { KnownPolicyFilters } from '../input/known-policy-filters.pipe';
import { RequestBudget } from '../resilience/request-budget.interceptor';
import { SettleSlaCreditsDto } from './sla-credits.dto';
import { SlaCreditsService } from './sla-credits.service';

/** Enterprise SLA credits the ticket engine recorded, and their settlement as credit notes. */
@ApiTags('billing')
@ApiBearerAuth()
@Controller('v1/billing/sla-credits')
export class SlaCreditsController {
  constructor(private readonly credits: SlaCreditsService) {}

  @Get()
  @Operation('slaCredits.list')
  @ApiOperation({ summary: 'SLA credits with their settlement: ?settled=true|false&brand=&customerRef=&limit=' })
  @ApiOkResponse({ type: SlaCreditListResponse })
  @ApiProblems([400, 'settled other than true/false, a limit outside 1–500, or a brand no policy pack knows'])
  list(@Query(KnownPolicyFilters) q: { settled?: string; brand?: string; customerRef?: string; limit?: string }) {
    return this.credits.list(q);
  }

  @Post('settle')
  @Operation('slaCredits.settle')
  // Waits up to 25 s for the run's outcome on purpose (SlaCreditsService.settle), then answers its ID.
  @RequestBudget(30_000)
  @ApiOperation({ summary: 'Settle the credits still owed, each once (200 with the outcome, or 202 with the run ID when it takes longer)' })
  @ApiOkResponse({ type: SlaCreditSettleResponse, description: 'The run finished: done, with what it settled and what failed' })
  @ApiAcceptedResponse({ type: SlaCreditSettleResponse, description: 'Still running after 25 s: done false, with the run’s workflow ID' })
  async settle(@Body() dto: SettleSlaCreditsDto, @Res({ passthrough: true }) res: Response) {
    const run = await this.credits.settle(dto);
    res.status(run.done ? 200 : 202);
    return run;
  }
}
