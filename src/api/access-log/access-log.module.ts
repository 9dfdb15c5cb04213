import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AccessLogController } from './access-log.controller';
import { AccessLogInterceptor } from './access-log.interceptor';
import { AccessLogQueryService } from './access-log-query.service';
import { AccessLogService } from './access-log.service';

/**
 * Global: every feature module (codec, privacy export, erasure) records through the same service.
 * The interceptor logs every authenticated API call to case data (logged-routes.ts).
 */
@Global()
@Module({
  controllers: [AccessLogController],
  providers: [AccessLogService, AccessLogQueryService, { provide: APP_INTERCEPTOR, useClass: AccessLogInterceptor }],
  exports: [AccessLogService],
})
export class AccessLogModule {}
