import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigModule } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { ApiPersistenceModule } from '../persistence/persistence.module';
import { TemporalClientModule } from '../temporal/temporal-client.module';
import { AccessLogModule } from './access-log/access-log.module';
import { AccountsModule } from './accounts/accounts.module';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeyService } from './auth/api-key.service';
import { OidcModule } from './auth/oidc.module';
import { CodecModule } from './codec/codec.module';
import { HealthController } from './health/health.controller';
import { BodyParsingModule } from './input/body-parsing.module';
import { requestTarget } from './logging/request-log';
import { ProblemFilter } from './problem/problem.filter';
import { RateLimitGuard } from './rate-limit.guard';
import { RequestBudgetInterceptor } from './resilience/request-budget.interceptor';
import { ResilienceModule } from './resilience/resilience.module';
import { BillingModule } from './billing/billing.module';
import { IncidentsModule } from './incidents/incidents.module';
import { ReportsModule } from './reports/reports.module';
import { TakedownsModule } from './takedowns/takedowns.module';
import { ErasureModule } from './privacy/erasure.module';
import { PrivacyExportModule } from './privacy/privacy-export.module';
import { TicketsModule } from './tickets/tickets.module';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The HTTP request log: one line per request, with its ID, path, query parameter names and status. */
function httpLogOptions(config: AppConfig): Options {
  return {
    level: config.LOG_LEVEL,
    // Honour the caller's X-Request-Id so one ID follows a request across systems.
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]'],
    serializers: {
      // Path, query parameter names and status only: bodies carry customer text, query
      // values customer references and, from careless clients, keys (`?api_key=…`).
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, ...requestTarget(req.url) }),
    },
  };
}

@Module({})
export class ApiModule {
  /** `logDestination`: where the HTTP log goes (default stdout); tests read it from a stream. */
  static forRoot(config: AppConfig, options: { logDestination?: DestinationStream } = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: options.logDestination ? [httpLogOptions(config), options.logDestination] : httpLogOptions(config),
        }),
        BodyParsingModule,
        ResilienceModule,
        ThrottlerModule.forRoot({ throttlers: [{ name: 'default', ttl: 60_000, limit: config.RATE_LIMIT_PER_MINUTE }] }),
        ApiPersistenceModule,
        TemporalClientModule,
        AccessLogModule,
        AccountsModule,
        OidcModule,
        CodecModule,
        TicketsModule,
        IncidentsModule,
        BillingModule,
        ReportsModule,
        TakedownsModule,
        ErasureModule,
        PrivacyExportModule,
      ],
      controllers: [HealthController],
      providers: [
        ApiKeyService,
        // Order matters: authenticate first, so the rate limit can count per key.
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: RequestBudgetInterceptor },
      ],
    };
  }
}
