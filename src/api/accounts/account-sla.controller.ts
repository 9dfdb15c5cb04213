import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { ApiProblems } from '../problem/api-problems';
import { AccountSlaQuery } from './account-sla.dto';
import { AccountSlaResponse } from './account-sla.response';
import { AccountSlaService } from './account-sla.service';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/accounts/me')
export class AccountSlaController {
  constructor(private readonly sla: AccountSlaService) {}

  @Get('sla')
  @Operation('accounts.mySla')
  @ApiOperation({ summary: "The calling client key's account: its SLA compliance per priority and metric, and SLA credits earned and owed, over a period" })
  @ApiOkResponse({ type: AccountSlaResponse })
  @ApiProblems([400, 'A period that ends before it starts or spans over 366 days'], [403, 'Not a client key, or a client key that belongs to no account'])
  read(@CurrentPrincipal() caller: Principal, @Query() q: AccountSlaQuery): Promise<AccountSlaResponse> {
    return this.sla.forCaller(caller, q);
  }
}
