import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { temporalLoggerFrom, watchingTaskFailures } from '../../src/worker/temporal-logger';
import { capturedLog } from '../support/captured-log';

describe('watchingTaskFailures: the runtime logger that announces failed workflow tasks', () => {
  function recording() {
    const lines: { level: LogLevel; message: string; meta?: LogMetadata }[] = [];
    const log = (level: LogLevel, message: string, meta?: LogMetadata) => void lines.push({ level, message, meta });
    const logger: TemporalLogger = { log, trace: (m, x) => log('TRACE', m, x), debug: (m, x) => log('DEBUG', m, x), info: (m, x) => log('INFO', m, x), warn: (m, x) => log('WARN', m, x), error: (m, x) => log('ERROR', m, x) };
    return { lines, logger };
  }

  it("passes every line on, and announces the run of each task the core fails (the core's forwarded line)", () => {
    const { lines, logger } = recording();
    const failed: string[] = [];
    const watching = watchingTaskFailures(logger, (runId) => failed.push(runId));
    // As the core forwards it (sdk-core, seen in test/workflows/query-beside-crash.spec.ts).
    watching.warn('Failing workflow task', { sdkComponent: 'core', runId: 'run-1', failure: 'Failure { … Nondeterminism error … }' });
    watching.info('Worker state changed', { sdkComponent: 'worker', state: 'RUNNING' });
    watching.log('WARN', 'Failing workflow task', { sdkComponent: 'core', runId: 'run-2' });
    expect(failed).toEqual(['run-1', 'run-2']);
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['WARN', 'Failing workflow task'],
      ['INFO', 'Worker state changed'],
      ['WARN', 'Failing workflow task'],
    ]);
  });

  it('announces nothing for another line, or a failed task without a run ID', () => {
    const { lines, logger } = recording();
    const failed: string[] = [];
    const watching = watchingTaskFailures(logger, (runId) => failed.push(runId));
    watching.warn('Failing workflow task', { sdkComponent: 'core' });
    watching.warn('Failing legacy query request', { runId: 'run-3' });
    watching.error('Failing workflow task!', { runId: 'run-4' });
    expect(failed).toEqual([]);
    expect(lines).toHaveLength(3);
  });
});

describe("temporalLoggerFrom: the SDK's lines in the worker's pino log", () => {
  it("writes an error the SDK passes as it is (pino would print {}), its message and type in the line; other fields unchanged", () => {
    const { logger, lines } = capturedLog();
    const core = new TypeError('Malformed Workflow Completion: "a legacy query response along with other commands"');
    temporalLoggerFrom(logger).error('Core reported failure in completeWorkflowActivation(). Initiating Worker shutdown.', { error: core, taskQueue: 'q' });
    temporalLoggerFrom(logger).info('Worker state changed', { state: 'DRAINING' });
    expect(lines).toEqual([
      expect.objectContaining({ level: 50, taskQueue: 'q', error: expect.objectContaining({ type: 'TypeError', message: core.message, stack: expect.stringContaining('TypeError') }) }),
      expect.objectContaining({ level: 30, state: 'DRAINING', msg: 'Worker state changed' }),
    ]);
  });
});
