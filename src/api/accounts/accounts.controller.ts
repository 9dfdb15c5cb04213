import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { accessorOf } from '../access-log/accessor';
import type { AuthenticatedRequest } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { ApiProblems } from '../problem/api-problems';
import { AccountBackfillService } from './account-backfill.service';
import { AccountResponse, AdoptionResultResponse, BackfillStatusResponse } from './account.response';
import { AdoptTicketsDto, CreateAccountDto } from './account.dto';
import { TicketAdoptionService } from './ticket-adoption.service';

/**
 * Customer accounts, and moving a deployment that predates them onto accounts: keys and tickets
 * made before accounts existed belong to none, so client keys see nothing and no client sees
 * those tickets. Operations (admin) only.
 */
@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/accounts')
export class AccountsController {
  constructor(
    private readonly accounts: AccountBackfillService,
    private readonly adoption: TicketAdoptionService,
  ) {}

  @Post()
  @Operation('accounts.create')
  @HttpCode(201)
  @ApiOperation({ summary: "Create a customer account (an organisation of one brand), for client keys and tickets to belong to" })
  @ApiCreatedResponse({ type: AccountResponse, description: 'Created (Location: the account)' })
  @ApiOkResponse({ type: AccountResponse, description: 'It exists already, of the same brand' })
  @ApiProblems([409, 'It exists as a customer of another brand (field brand)'])
  async create(@Body() dto: CreateAccountDto, @Res({ passthrough: true }) res: Response): Promise<AccountResponse> {
    const { account, created } = await this.accounts.create(dto);
    if (!created) res.status(200);
    else res.setHeader('Location', `/v1/accounts/${account.id}`);
    return account;
  }

  @Get('backfill')
  @Operation('accounts.backfill')
  @ApiOperation({
    summary:
      'What is left of moving onto accounts: live client keys without an account (they see no tickets), and tickets without an account per brand (no client sees them)',
  })
  @ApiOkResponse({ type: BackfillStatusResponse })
  backfill(): Promise<BackfillStatusResponse> {
    return this.accounts.status();
  }

  @Post(':id/tickets/adopt')
  @Operation('accounts.adoptTickets')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Attach existing tickets without an account to this account (by customer reference or ticket ID): only tickets of the account's brand, never another account's; idempotent, answers counts",
  })
  @ApiParam({ name: 'id', description: 'The account ID' })
  @ApiOkResponse({ type: AdoptionResultResponse, description: 'Counts of what was adopted and what was left alone' })
  @ApiProblems([404, 'No such account'], [422, 'Neither customerRefs nor ticketIds named'])
  adopt(@Param('id') id: string, @Body() dto: AdoptTicketsDto, @Req() req: Request & AuthenticatedRequest): Promise<AdoptionResultResponse> {
    return this.adoption.adopt(id, dto, accessorOf(req)!);
  }
}
