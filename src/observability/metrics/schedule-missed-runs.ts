import type { Client } from '@temporalio/client';
import type { MetricGauge } from '@temporalio/common';
import type { Logger } from 'pino';

/**
 * Keeps caseworks_schedule_missed_runs{schedule} at what the server counts for each schedule the
 * worker ensures (numActionsMissedCatchupWindow): runs skipped because the server was down past
 * the schedule's catch-up window. Refreshed every `intervalMs`; a failed describe is logged and
 * the gauge keeps its last value.
 */
export class ScheduleMissedRunsPoller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly client: Client,
    private readonly scheduleIds: readonly string[],
    private readonly gauge: MetricGauge,
    private readonly logger: Logger,
  ) {}

  /** Refreshes once now, then every intervalMs until stop(). */
  start(intervalMs: number): void {
    if (this.timer) return;
    const tick = (): void => {
      // One refresh at a time: a slow server never piles describes up.
      this.running ??= this.refresh().finally(() => (this.running = null));
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
    // Never what keeps the process alive: the worker's own run() is.
    this.timer.unref();
  }

  /** Stops polling and waits for a refresh in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  async refresh(): Promise<void> {
    for (const scheduleId of this.scheduleIds) {
      try {
        const { info } = await this.client.schedule.getHandle(scheduleId).describe();
        this.gauge.set(info.numActionsMissedCatchupWindow, { schedule: scheduleId });
      } catch (err) {
        this.logger.warn({ scheduleId, err: err instanceof Error ? err.message : String(err) }, 'schedule not described for metrics');
      }
    }
  }
}
