import { isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * The trace and span of what is running now, for a log line (a pino `mixin`), so a log line leads
 * to its trace. Empty when tracing is off or nothing traced is running.
 */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}
