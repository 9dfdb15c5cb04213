import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { stdSerializers, type Logger } from 'pino';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Temporal's runtime and workflow logs go through the same pino logger, one JSON line each. The
 * SDK passes errors as `{ error }`, which pino would print as `{}` (an Error's fields are not
 * enumerable): they are written out as pino writes its own `err`.
 */
export function temporalLoggerFrom(logger: Logger): TemporalLogger {
  return temporalLoggerOf((level, message, meta) => logger[LEVELS[level]](withErrorsWritten(meta), message));
}

function withErrorsWritten(meta: LogMetadata | undefined): LogMetadata {
  if (!meta) return {};
  if (!Object.values(meta).some((v) => v instanceof Error)) return meta;
  return Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, v instanceof Error ? stdSerializers.err(v) : v]));
}

/**
 * The runtime logger that passes every line on to `logger` and each failed workflow task's run ID
 * to `onTaskFailed`: the core reports a task it fails (sdk-core's `Failing workflow task`) with
 * the run's ID, not the case's. It sees the core's lines only when the runtime forwards them
 * (`telemetryOptions.logging.forward`, runtime.ts).
 */
export function watchingTaskFailures(logger: TemporalLogger, onTaskFailed: (runId: string) => void): TemporalLogger {
  return temporalLoggerOf((level, message, meta) => {
    logger.log(level, message, meta);
    if (message === TASK_FAILED && typeof meta?.runId === 'string') onTaskFailed(meta.runId);
  });
}

/** The core's message for a workflow task it fails. */
const TASK_FAILED = 'Failing workflow task';

function temporalLoggerOf(log: (level: LogLevel, message: string, meta?: LogMetadata) => void): TemporalLogger {
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}
