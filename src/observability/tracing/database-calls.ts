import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

/**
 * A client span around every PostgreSQL statement made inside a traced operation — an API
 * request, an activity — so a slow request shows whether it waited on the database or on its own
 * CPU. (No span for a wait on the pool: `pg-pool` is loaded by the mains' imports, before tracing
 * starts, and only `pg`'s own classes are patched.) The span holds the statement's text, which is
 * parameterised throughout (TypeORM and the raw queries use $1…), never the parameters' values
 * (`enhancedDatabaseReporting` off): customer data stays out of traces. The instrumentation
 * patches `pg` as it is loaded, so it is registered before the first DataSource is created
 * (startTracing runs first in both mains). Returns the unregister.
 */
export function traceDatabaseCalls(): () => void {
  return registerInstrumentations({ instrumentations: [new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false })] });
}
