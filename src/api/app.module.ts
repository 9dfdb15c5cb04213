import { DynamicModule, Injectable, MiddlewareConsumer, Module, NestModule, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { ConfigModule } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { HttpServerSpanMiddleware } from '../observability/tracing/http-server-span';
import { activeTracing } from '../observability/tracing/tracing';
import { ApiPersistenceModule } from '../persistence/persistence.module';
import { TemporalClientModule } from '../temporal/temporal-client.module';
import { AccessLogModule } from './access-log/access-log.module';
import { AccountsModule } from './accounts/accounts.module';
import { AgentsModule } from './agents/agents.module';
import { CustomersModule } from './customers/customers.module';
import { CrmWebhookModule } from './customers/crm-webhook.module';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeysModule } from './auth/api-keys.module';
import { OidcModule } from './auth/oidc.module';
import { CodecModule } from './codec/codec.module';
import { HealthController } from './health/health.controller';
import { BodyParsingModule } from './input/body-parsing.module';
import { httpLogOptions } from './logging/http-log-options';
import { ProblemFilter } from './problem/problem.filter';
import { RateLimitGuard } from './rate-limit.guard';
import { RequestBudgetInterceptor } from './resilience/request-budget.interceptor';
import { ResilienceModule } from './resilience/resilience.module';
import { BillingModule } from './billing/billing.module';
import { IncidentsModule } from './incidents/incidents.module';
import { ReportsModule } from './reports/reports.module';
import { ForecastModule } from './forecast/forecast.module';
import { PoliciesModule } from './policies/policies.module';
import { TakedownsModule } from './takedowns/takedowns.module';
import { DeskModule } from './desk/desk.module';
import { ErasureModule } from './privacy/erasure.module';
import { PrivacyExportModule } from './privacy/privacy-export.module';
import { TicketsModule } from './tickets/tickets.module';

/** Exports the spans still buffered once the API has stopped (main.ts started tracing). */
@Injectable()
class TracingFlush implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await activeTracing().spanProcessor.forceFlush();
  }
}

@Module({})
export class ApiModule implements NestModule {
  /** A server span per request (off unless tracing was started), around everything the request runs. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpServerSpanMiddleware).forRoutes('*');
  }

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
        AgentsModule,
        CustomersModule,
        CrmWebhookModule,
        OidcModule,
        ApiKeysModule,
        CodecModule,
        TicketsModule,
        IncidentsModule,
        BillingModule,
        ReportsModule,
        ForecastModule,
        PoliciesModule,
        TakedownsModule,
        DeskModule,
        ErasureModule,
        PrivacyExportModule,
      ],
      controllers: [HealthController],
      providers: [
        // Order matters: authenticate first, so the rate limit can count per key.
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: RequestBudgetInterceptor },
        TracingFlush,
      ],
    };
  }
}
