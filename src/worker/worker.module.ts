import { DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import pino, { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { activityDepsFromConfig, createActivities } from '../activities';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import type { AppConfig as ParsedConfig } from '../config/config.schema';
import { caseMetricsFor } from '../observability/metrics/case-event-metrics';
import { ScheduleMissedRunsPoller } from '../observability/metrics/schedule-missed-runs';
import { workerMetrics } from '../observability/metrics/worker-metrics';
import { PersistenceModule } from '../persistence/persistence.module';
import { observeRecordedEvents } from '../persistence/read-model';
import { StuckCaseWatch } from '../temporal/stuck-case-watch';
import { temporalCredentialsFrom } from '../temporal/temporal-credentials';
import { workerDataConverterFor } from '../temporal/temporal-options';
import { createCaseworksWorker } from './create-worker';
import type { TaskFailureFeed } from './runtime';
import { enforceStopDeadline } from './stop-deadline';
import { caseworksSchedules, ensureSchedule } from './schedules';
import { ensureNamespaceRetention } from './namespace-retention';
import { PolicyRegistry } from '../config/policy-registry';

export const ACTIVITY_LOGGER = Symbol('ACTIVITY_LOGGER');
/** A run the stuck-case watch looked at is not looked at again for this long (its task's retries back off to 10 min). */
const STUCK_CASE_COOLDOWN_MS = 10 * 60_000;

/** Runs the Temporal Worker with activities built from injected providers. */
@Injectable()
export class WorkerRunner {
  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    @Inject(ACTIVITY_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Resolves after the worker has shut down: on SIGTERM/SIGINT the Temporal runtime stops
   * polling, lets in-flight activities finish (up to WORKER_SHUTDOWN_GRACE_MS), then returns.
   * `metrics`: the runtime exports metrics (main.ts); count case events and poll the schedules.
   * `taskFailures`: the runtime's failed workflow tasks (runtime.ts), for the stuck-case watch.
   * A worker that has not stopped WORKER_STOP_DEADLINE_MS after it began to ends the process
   * with code 1 (stop-deadline.ts says why).
   */
  async run(options: { metrics?: boolean; taskFailures?: TaskFailureFeed } = {}): Promise<void> {
    // A server that authorizes callers gets the worker's own token; each renewal replaces it.
    const credentials = await temporalCredentialsFrom(this.config, (msg) => this.logger.warn(msg));
    const connection = await NativeConnection.connect({
      address: this.config.TEMPORAL_ADDRESS,
      tls: this.config.TEMPORAL_TLS === 'on',
      ...(credentials ? { apiKey: credentials.token() } : {}),
    });
    credentials?.onRenew((token) => connection.setApiKey(token));
    let poller: ScheduleMissedRunsPoller | null = null;
    let watch: StuckCaseWatch | null = null;
    let unlisten = () => {};
    let releaseDeadline = () => {};
    try {
      const worker = await createCaseworksWorker({
        config: this.config,
        connection,
        activities: createActivities(activityDepsFromConfig(this.config, this.dataSource, this.logger)),
      });
      const client = await this.ensureSchedules(connection);
      if (options.metrics) poller = this.startMetrics(client);
      if (options.taskFailures) {
        const counted = options.metrics ? (outcome: string) => workerMetrics(() => Runtime.instance().metricMeter).stuckCaseChecks.add(1, { outcome }) : undefined;
        const stuck = new StuckCaseWatch(client, this.logger, { mode: this.config.STUCK_CASE_REPAIR, delayMs: this.config.STUCK_CASE_CHECK_DELAY_MS, cooldownMs: STUCK_CASE_COOLDOWN_MS, counted });
        unlisten = options.taskFailures.listen((runId) => stuck.taskFailed(runId));
        watch = stuck;
      }
      this.logger.info({ taskQueue: this.config.TEMPORAL_TASK_QUEUE, bundle: this.config.WORKFLOW_BUNDLE_PATH ?? null }, 'worker started');
      const deadlineMs = this.config.WORKER_STOP_DEADLINE_MS;
      releaseDeadline = enforceStopDeadline(worker, {
        deadlineMs,
        onOverrun: (state) => {
          this.logger.fatal({ state, deadlineMs }, `worker still ${state} ${deadlineMs} ms after it began to stop: exiting so that its supervisor starts a new one`);
          process.exit(1);
        },
      });
      await worker.run();
      this.logger.info('worker stopped');
    } finally {
      releaseDeadline();
      observeRecordedEvents(null);
      unlisten();
      await watch?.stop();
      await poller?.stop();
      credentials?.stop();
      await connection.close();
    }
  }

  /**
   * Case metrics from the events the read model stores for the first time (each counted once,
   * however often an activity is retried), and the schedules' missed runs from the server.
   */
  private startMetrics(client: Client): ScheduleMissedRunsPoller {
    const metrics = workerMetrics(() => Runtime.instance().metricMeter);
    observeRecordedEvents((c, events) => metrics.record(events.flatMap((e) => caseMetricsFor(c, e))));
    const scheduleIds = caseworksSchedules(this.config.TEMPORAL_TASK_QUEUE).map((s) => s.scheduleId);
    const poller = new ScheduleMissedRunsPoller(client, scheduleIds, metrics.scheduleMissedRuns, this.logger);
    poller.start(this.config.SCHEDULE_METRICS_INTERVAL_MS);
    return poller;
  }

  /**
   * The yearly transparency report, the monthly SLA credit settlement, the every-minute sweep
   * of cases that ended abnormally, the daily retention purge and the four report cadences
   * (schedules.ts), then the
   * namespace's retention (namespace-retention.ts). A failure is logged,
   * never a reason not to run cases; the next worker start tries again.
   */
  private async ensureSchedules(connection: NativeConnection): Promise<Client> {
    // The worker's converter: the schedules' inputs are bound to the worker identity (schedules.ts).
    const client = new Client({ connection, namespace: this.config.TEMPORAL_NAMESPACE, dataConverter: workerDataConverterFor(this.config) });
    for (const schedule of caseworksSchedules(this.config.TEMPORAL_TASK_QUEUE, { crmSync: this.config.CRM_PROVIDER !== 'built-in' })) {
      try {
        const { created } = await ensureSchedule(client, schedule);
        this.logger.info({ scheduleId: schedule.scheduleId, created }, 'schedule ready');
      } catch (err) {
        this.logger.error({ scheduleId: schedule.scheduleId, err: err instanceof Error ? err.message : String(err) }, 'schedule not ensured');
      }
    }
    if (this.config.TEMPORAL_NAMESPACE_RETENTION === 'policy') {
      try {
        const packs = PolicyRegistry.fromDirectory(this.config.POLICY_DIR);
        const retention = await ensureNamespaceRetention(client, packs.brands().map((b) => packs.find(b)!.retention));
        this.logger.info(retention, 'namespace retention matches the policy packs');
      } catch (err) {
        this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'namespace retention not set');
      }
    }
    return client;
  }
}

@Module({})
export class WorkerModule {
  static forRoot(config: ParsedConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), PersistenceModule],
      providers: [
        { provide: ACTIVITY_LOGGER, useValue: pino({ level: config.LOG_LEVEL, base: { service: 'worker' } }) },
        WorkerRunner,
      ],
      exports: [ACTIVITY_LOGGER],
    };
  }
}
