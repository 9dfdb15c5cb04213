import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { DunningService } from './dunning.service';
import { CancelNowDto, RetentionOfferDto } from './dunning.dto';
import { ConfirmIdentityDto } from './refund.dto';

/** Failed renewals: agents confirm the customer's identity before any change to the account. */
@ApiTags('billing')
@ApiBearerAuth()
@Controller('v1/dunning')
export class DunningController {
  constructor(private readonly dunning: DunningService) {}

  @Get(':id')
  @Operation('dunning.read')
  @ApiOperation({ summary: 'A failed renewal (dunning-<invoice>): schedule, identity, offer, outcome' })
  get(@Param('id') id: string, @CurrentPrincipal() caller: Principal) {
    return this.dunning.get(id, caller);
  }

  @Post(':id/confirm-identity')
  @Operation('dunning.confirmIdentity')
  @HttpCode(200)
  @ApiOperation({ summary: 'The agent confirmed the customer is who they say: account changes are refused (409) before this' })
  confirmIdentity(@Param('id') id: string, @Body() dto: ConfirmIdentityDto, @CurrentPrincipal() caller: Principal) {
    return this.dunning.confirmIdentity(id, dto.method, caller);
  }

  @Post(':id/cancel')
  @Operation('dunning.cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel the subscription now, for the customer (identity confirmed first)' })
  cancel(@Param('id') id: string, @Body() dto: CancelNowDto, @CurrentPrincipal() caller: Principal) {
    return this.dunning.cancelNow(id, dto.reason, caller);
  }

  @Post(':id/retention-offer')
  @Operation('dunning.retentionOffer')
  @HttpCode(200)
  @ApiOperation({ summary: 'The customer accepted a retention offer: applied through the CRM, not offered again (identity confirmed first)' })
  retentionOffer(@Param('id') id: string, @Body() dto: RetentionOfferDto, @CurrentPrincipal() caller: Principal) {
    return this.dunning.applyOffer(id, dto.offer, caller);
  }
}
