import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Operation } from '../auth/roles.decorator';
import { AccessLogPageDto, AccessLogQuery } from './access-log.dto';
import { AccessLogQueryService } from './access-log-query.service';

@ApiTags('access-log')
@ApiBearerAuth()
@Controller('v1/access-log')
export class AccessLogController {
  constructor(private readonly entries: AccessLogQueryService) {}

  /** Reading the log is itself an access, logged by the interceptor like any other. */
  @Get()
  @Operation('accessLog.list')
  @ApiOperation({ summary: 'Who accessed which case data, when and from where (never the data): newest first, filter by case, actor, operation and time, paged with nextCursor' })
  @ApiOkResponse({ type: AccessLogPageDto })
  list(@Query() q: AccessLogQuery): Promise<AccessLogPageDto> {
    return this.entries.page(q);
  }
}
