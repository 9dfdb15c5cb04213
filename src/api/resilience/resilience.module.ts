import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { RequestBudgetMiddleware } from './request-budget.middleware';

/**
 * Dependency outages answer 503 + Retry-After within the request budget (REQUEST_BUDGET_MS). The
 * budget's interceptor is registered in ApiModule (APP_INTERCEPTOR); the 503 mapping of
 * PostgreSQL and Temporal errors is in ProblemFilter (problemFromDependencyOutage).
 */
@Module({})
export class ResilienceModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestBudgetMiddleware).forRoutes('*');
  }
}
