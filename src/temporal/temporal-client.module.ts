import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Client, ClientInterceptors, Connection } from '@temporalio/client';
import { deadlineAwareRetryInterceptor, requestDeadlineInterceptor, unavailableAttemptInterceptor } from '../api/resilience/temporal-deadline';
import { currentCaller } from '../api/auth/request-context';
import { AppConfig } from '../config/app-config';
import { caseClientInterceptorsFor, dataConverterFor } from './temporal-options';
import { tracingClientInterceptors } from '../observability/tracing/temporal-tracing';
import { temporalCredentialsFrom } from './temporal-credentials';

@Injectable()
class ConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(Client) private readonly client: Client) {}
  async onApplicationShutdown(): Promise<void> {
    await this.client.connection.close();
  }
}

/** The case-subject interceptor (erasure), inside the call's tracing span (first: outermost). */
function apiClientInterceptors(config: AppConfig): ClientInterceptors {
  const cases = caseClientInterceptorsFor(config);
  const theirs = Array.isArray(cases.workflow) ? cases.workflow : [];
  return { ...cases, workflow: [...tracingClientInterceptors(), ...theirs] };
}

/** One Temporal client per process, sharing the payload codec with the worker. */
@Global()
@Module({
  providers: [
    {
      provide: Client,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        // A server that authorizes callers gets the API's own token, renewed as it goes (read per call).
        const logger = new Logger('temporal-client');
        const credentials = await temporalCredentialsFrom(config, (msg) => logger.warn(msg));
        const connection = await Connection.connect({
          address: config.TEMPORAL_ADDRESS,
          tls: config.TEMPORAL_TLS === 'on',
          ...(credentials ? { apiKey: () => credentials.token() } : {}),
          // The SDK's default retries, bounded by the request's deadline (the first interceptor
          // is the outermost), so an unreachable frontend fails a request inside its budget.
          interceptors: [requestDeadlineInterceptor(), deadlineAwareRetryInterceptor(), unavailableAttemptInterceptor()],
          // gRPC's reconnect backoff grows to 120 s: after a longer outage the API would keep
          // answering 503 for many seconds after Temporal is back. Capped, it reconnects within ~2 s.
          channelArgs: { 'grpc.max_reconnect_backoff_ms': 2_000 },
        });
        return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(config, { identity: () => currentCaller() }), interceptors: apiClientInterceptors(config) });
      },
    },
    ConnectionCloser,
  ],
  exports: [Client],
})
export class TemporalClientModule {}
