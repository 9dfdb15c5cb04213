import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { PolicyRegistry } from '../../config/policy-registry';
import { Operation } from '../auth/roles.decorator';
import { ApiProblems } from '../problem/api-problems';
import { Problem } from '../problem/problem';
import { PolicyQuery } from './policy-query.dto';
import { publishedPolicy } from './published-policy';
import { PublishedPolicyResponse, WorkingWindowResponse } from './policy.response';

@ApiTags('policies')
@ApiBearerAuth()
@ApiExtraModels(WorkingWindowResponse)
@Controller('v1/policies')
export class PoliciesController {
  constructor(private readonly policies: PolicyRegistry) {}

  @Get(':brand')
  @Operation('policies.read')
  @ApiOperation({ summary: "A brand's published SLAs: current version, targets per priority and channel, calendars with holidays, plans, credit schedule" })
  @ApiParam({ name: 'brand', example: 'vivtone' })
  @ApiOkResponse({ type: PublishedPolicyResponse })
  @ApiProblems([400, 'A year outside 2000–2100'], [404, 'No policy pack for that brand'])
  read(@Param('brand') brand: string, @Query() q: PolicyQuery): PublishedPolicyResponse {
    const pack = this.policies.find(brand);
    if (!pack) throw Problem.notFound('policy pack for brand', brand);
    const year = new Date().getUTCFullYear();
    return publishedPolicy(pack, q.year === undefined ? [year, year + 1] : [q.year]);
  }
}
