import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { brandFilterFor } from '../auth/case-scope';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { ApiProblems } from '../problem/api-problems';
import { ForecastQuery } from './forecast.dto';
import { ForecastResponse } from './forecast.response';
import { ForecastService } from './forecast.service';

@ApiTags('forecast')
@ApiBearerAuth()
@Controller('v1/forecast')
export class ForecastController {
  constructor(private readonly forecasts: ForecastService) {}

  @Get()
  @Operation('forecast.staffing')
  @ApiOperation({
    summary:
      "Required agents per interval (Erlang C) from the intake history, with the pack's AHT, service level and shrinkage, next to the seeds' headcount ratios",
  })
  @ApiOkResponse({ type: ForecastResponse })
  @ApiProblems([400, 'An unknown brand, from not before to, a range over 31 days, an interval other than 15m/30m/60m/1h, or a bad count'])
  forecast(@Query() q: ForecastQuery, @CurrentPrincipal() caller: Principal): Promise<ForecastResponse> {
    return this.forecasts.forecast({ ...q, brand: brandFilterFor(caller, q.brand) ?? q.brand });
  }
}
