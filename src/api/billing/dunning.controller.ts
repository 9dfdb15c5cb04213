import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { CaseActionProblems, CaseReadProblems } from '../problem/api-problems';
import { DunningResponse } from './billing.response';
import { DunningService } from './dunning.service';
import { CancelNowDto, RetentionOfferDto } from './dunning.dto';
import { ConfirmIdentityDto } from './refund.dto';

/** A dunning action's answers: the case after it, or why it was refused (409: identity not confirmed yet, or the case has ended). */
const DunningActionAnswers = () => applyDecorators(ApiOkResponse({ type: DunningResponse, description: 'The dunning case after the action' }), CaseActionProblems());

/** Failed renewals: agents confirm the customer's identity before any change to the account. */
@ApiTags('billing')
@ApiBearerAuth()
@Controller('v1/dunning')
export class DunningController {
  constructor(private readonly dunning: DunningService) {}

  @Get(':id')
  @Operation('dunning.read')
  @ApiOperation({ summary: 'A failed renewal (dunning-<invoice>): schedule, identity, offer, outcome' })
  @ApiOkResponse({ type: DunningResponse })
  @CaseReadProblems()
  get(@Param('id') id: string, @CurrentPrincipal() caller: Principal): Promise<DunningResponse> {
    return this.dunning.get(id, caller);
  }

  @Post(':id/confirm-identity')
  @Operation('dunning.confirmIdentity')
  @HttpCode(200)
  @ApiOperation({ summary: 'The agent confirmed the customer is who they say: account changes are refused (409) before this' })
  @DunningActionAnswers()
  confirmIdentity(@Param('id') id: string, @Body() dto: ConfirmIdentityDto, @CurrentPrincipal() caller: Principal): Promise<DunningResponse> {
    return this.dunning.confirmIdentity(id, dto.method, caller);
  }

  @Post(':id/cancel')
  @Operation('dunning.cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel the subscription now, for the customer (identity confirmed first)' })
  @DunningActionAnswers()
  cancel(@Param('id') id: string, @Body() dto: CancelNowDto, @CurrentPrincipal() caller: Principal): Promise<DunningResponse> {
    return this.dunning.cancelNow(id, dto.reason, caller);
  }

  @Post(':id/retention-offer')
  @Operation('dunning.retentionOffer')
  @HttpCode(200)
  @ApiOperation({ summary: 'The customer accepted a retention offer: applied through the CRM, not offered again (identity confirmed first)' })
  @DunningActionAnswers()
  retentionOffer(@Param('id') id: string, @Body() dto: RetentionOfferDto, @CurrentPrincipal() caller: Principal): Promise<DunningResponse> {
    return this.dunning.applyOffer(id, dto.offer, caller);
  }
}
