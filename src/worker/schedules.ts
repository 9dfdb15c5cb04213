import { Client, ScheduleAlreadyRunning, ScheduleHandle, ScheduleOptions, ScheduleOverlapPolicy } from '@temporalio/client';
import { RawValue, type Duration } from '@temporalio/common';
import { encode } from '@temporalio/common/lib/encoding';
import { BINDING_SCOPE_METADATA, VERIFIED_CALLER } from '../temporal/payload-metadata';
import { payloadConverter } from '../temporal/payload-converter';
import type { ReportKind } from '../domain/reporting/report-period';
import { cadenceReportWorkflow, crmSyncWorkflow, customerSignalsWorkflow, endedCasesSweepWorkflow, retentionPurgeWorkflow, slaCreditSweepWorkflow, transparencyReportWorkflow } from '../workflows';

/** `temporal schedule describe -s caseworks-transparency-report` */
export const TRANSPARENCY_SCHEDULE_ID = 'caseworks-transparency-report';
/** `temporal schedule describe -s caseworks-sla-credit-settlement` */
export const SLA_CREDIT_SCHEDULE_ID = 'caseworks-sla-credit-settlement';

/**
 * On 1 January at 06:00 UTC: transparencyReportWorkflow stores the year just ended in
 * transparency_reports. A 30-day catch-up window: a January outage still produces the report once
 * the server is back, never the next year's.
 */
export function transparencySchedule(taskQueue: string, scheduleId = TRANSPARENCY_SCHEDULE_ID): ScheduleOptions {
  return {
    scheduleId,
    spec: { calendars: [{ month: 'JANUARY', dayOfMonth: 1, hour: 6, minute: 0, comment: 'the takedown transparency report of the year just ended' }] },
    action: {
      type: 'startWorkflow',
      workflowType: transparencyReportWorkflow,
      args: [scheduledInput({})],
      taskQueue,
      // The schedule appends the nominal time, so each year's run has its own ID.
      workflowId: 'transparency-report',
      staticSummary: 'Yearly takedown transparency report (stored in transparency_reports)',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '30 days' },
  };
}

/**
 * On the 1st of each month at 06:00 UTC: slaCreditSweepWorkflow settles the Enterprise SLA credits
 * of the months that have ended (credit notes). A 7-day catch-up window so an outage on the 1st
 * still settles the month, once.
 */
export function slaCreditSchedule(taskQueue: string, scheduleId = SLA_CREDIT_SCHEDULE_ID): ScheduleOptions {
  return {
    scheduleId,
    spec: { calendars: [{ dayOfMonth: 1, hour: 6, minute: 0, comment: 'settle the SLA credits of the months that have ended' }] },
    action: {
      type: 'startWorkflow',
      workflowType: slaCreditSweepWorkflow,
      args: [scheduledInput({ cutoff: 'start_of_month' })],
      taskQueue,
      workflowId: 'sla-credit-sweep',
      staticSummary: 'Monthly settlement of Enterprise SLA credits (credit notes)',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '7 days' },
  };
}

/** `temporal schedule describe -s caseworks-ended-cases-sweep` */
export const ENDED_CASES_SCHEDULE_ID = 'caseworks-ended-cases-sweep';

/**
 * Every minute: endedCasesSweepWorkflow tells operations of case workflows that were terminated,
 * timed out or failed since the last sweep. No catch-up: the next sweep covers the gap (its window
 * starts at the last successful sweep's watermark). A sweep that cannot finish in 10 minutes is
 * stopped, so a stuck one never holds the schedule (overlap SKIP) for long. `since`: where the
 * very first sweep starts (tests); absent, the last day.
 */
export function endedCasesSchedule(taskQueue: string, scheduleId = ENDED_CASES_SCHEDULE_ID, since?: string): ScheduleOptions {
  return {
    scheduleId,
    spec: { intervals: [{ every: '1 minute' }] },
    action: {
      type: 'startWorkflow',
      workflowType: endedCasesSweepWorkflow,
      args: [scheduledInput(since === undefined ? {} : { since })],
      taskQueue,
      workflowId: 'ended-cases-sweep',
      workflowRunTimeout: '10 minutes',
      staticSummary: 'Tells operations of cases whose workflow was terminated, timed out or failed',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
  };
}

/** `temporal schedule describe -s caseworks-retention-purge` */
export const RETENTION_PURGE_SCHEDULE_ID = 'caseworks-retention-purge';

/**
 * Daily at 03:00 UTC: retentionPurgeWorkflow deletes the closed cases past their retention
 * (policy packs' `retention`) and counts them in retention_purges. A one-day catch-up window: an
 * outage still purges once it is over; a missed day is covered by the next run anyway.
 */
export function retentionPurgeSchedule(taskQueue: string, scheduleId = RETENTION_PURGE_SCHEDULE_ID): ScheduleOptions {
  return {
    scheduleId,
    spec: { calendars: [{ hour: 3, minute: 0, comment: 'purge closed cases past their retention' }] },
    action: {
      type: 'startWorkflow',
      workflowType: retentionPurgeWorkflow,
      args: [scheduledInput({})],
      taskQueue,
      workflowId: 'retention-purge',
      staticSummary: 'Daily purge of closed cases past retention (counted in retention_purges)',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  };
}

/** `temporal schedule describe -s caseworks-report-daily` (…-weekly, …-monthly, …-quarterly) */
export const REPORT_SCHEDULE_IDS: Record<ReportKind, string> = {
  daily: 'caseworks-report-daily',
  weekly: 'caseworks-report-weekly',
  monthly: 'caseworks-report-monthly',
  quarterly: 'caseworks-report-quarterly',
};

/**
 * When each cadence runs (UTC) and what it reports: the period that ended before the run (report
 * periods are UTC days, ISO weeks, months and quarters). An hour or more after the period ends,
 * so the read model has the period's last writes; catch-up windows as long as the cadence allows,
 * so an outage still produces the report once the server is back.
 */
type CalendarSpec = NonNullable<ScheduleOptions['spec']['calendars']>[number];
const REPORT_CADENCES: Record<ReportKind, { calendar: CalendarSpec; catchupWindow: Duration; summary: string }> = {
  daily: {
    calendar: { hour: 1, minute: 0, comment: 'the daily operations report of the UTC day just ended' },
    catchupWindow: '1 day',
    summary: 'Daily operations report: queue depth, average wait, SLA at risk and breached, phone answer rate per 30 min (stored in reports)',
  },
  weekly: {
    calendar: { dayOfWeek: 'MONDAY', hour: 2, minute: 0, comment: 'the weekly operations report of the ISO week just ended' },
    catchupWindow: '7 days',
    summary: 'Weekly operations report: volume by channel, top 10 categories, time to resolution, escalation adherence (stored in reports)',
  },
  monthly: {
    calendar: { dayOfMonth: 1, hour: 3, minute: 0, comment: 'the monthly executive report of the month just ended' },
    catchupWindow: '7 days',
    summary: 'Monthly executive report: CSAT, NPS, FCR, AHT against targets, backlog by priority, three RCA items (stored in reports)',
  },
  quarterly: {
    calendar: { month: ['JANUARY', 'APRIL', 'JULY', 'OCTOBER'], dayOfMonth: 1, hour: 4, minute: 0, comment: 'the quarterly business review report of the quarter just ended' },
    catchupWindow: '30 days',
    summary: 'Quarterly business review report per enterprise customer: SLA compliance, credits, incidents, CSAT/NPS (stored in reports)',
  },
};

/**
 * One schedule per report cadence: cadenceReportWorkflow stores and delivers the period that just
 * ended for every brand. Overlap SKIP; a re-run of a period stores nothing twice (the reports table).
 */
export function reportSchedule(taskQueue: string, kind: ReportKind, scheduleId = REPORT_SCHEDULE_IDS[kind]): ScheduleOptions {
  const cadence = REPORT_CADENCES[kind];
  return {
    scheduleId,
    spec: { calendars: [cadence.calendar] },
    action: {
      type: 'startWorkflow',
      workflowType: cadenceReportWorkflow,
      args: [scheduledInput({ kind })],
      taskQueue,
      // The schedule appends the nominal time, so each period's run has its own ID.
      workflowId: `report-${kind}`,
      staticSummary: cadence.summary,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: cadence.catchupWindow },
  };
}

/**
 * A schedule action's input, marked for the actor-binding codec (src/temporal/actor-binding.ts):
 * the client that creates the schedule binds it to its identity (the worker's) for the action's
 * workflow ID and every run the schedule starts from it (`<id>-<nominal time>`), so the scheduled
 * runs pass the verified-actor check on starts. The binding has no age limit for starts.
 */
export function scheduledInput(value: object): RawValue {
  const payload = payloadConverter.toPayload(value);
  return RawValue.fromPayload({ ...payload, metadata: { ...payload.metadata, [BINDING_SCOPE_METADATA]: encode('schedule') } });
}

/** `temporal schedule describe -s caseworks-crm-sync` */
export const CRM_SYNC_SCHEDULE_ID = 'caseworks-crm-sync';

/**
 * Every 30 seconds, with an outside CRM configured: crmSyncWorkflow mirrors the cases changed
 * since the last run into it. No catch-up: the next run's window covers the gap. A run that
 * cannot finish in 10 minutes is stopped, so a stuck one never holds the schedule for long.
 */
export function crmSyncSchedule(taskQueue: string, scheduleId = CRM_SYNC_SCHEDULE_ID, name = 'default'): ScheduleOptions {
  return {
    scheduleId,
    spec: { intervals: [{ every: '30 seconds' }] },
    action: {
      type: 'startWorkflow',
      workflowType: crmSyncWorkflow,
      args: [scheduledInput({ name })],
      taskQueue,
      workflowId: 'crm-sync',
      workflowRunTimeout: '10 minutes',
      staticSummary: 'Mirrors changed cases into the CRM (one CRM ticket per case)',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
  };
}

/** `temporal schedule describe -s caseworks-customer-signals` */
export const CUSTOMER_SIGNALS_SCHEDULE_ID = 'caseworks-customer-signals';

/**
 * Every 15 minutes: customerSignalsWorkflow judges the packs' churn and expansion rules and gives
 * each new signal to the account's CSM. No catch-up: the next run judges the same windows.
 */
export function customerSignalsSchedule(taskQueue: string, scheduleId = CUSTOMER_SIGNALS_SCHEDULE_ID): ScheduleOptions {
  return {
    scheduleId,
    spec: { intervals: [{ every: '15 minutes' }] },
    action: {
      type: 'startWorkflow',
      workflowType: customerSignalsWorkflow,
      args: [scheduledInput({})],
      taskQueue,
      workflowId: 'customer-signals',
      workflowRunTimeout: '10 minutes',
      staticSummary: 'Churn and expansion signals: a CRM task for the CSM, once per rule, customer and window',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
  };
}

/** The schedules every deployment has, ensured at worker start; the CRM mirror only with an outside CRM. */
export function caseworksSchedules(taskQueue: string, options: { crmSync?: boolean } = {}): ScheduleOptions[] {
  return [
    ...(options.crmSync ? [crmSyncSchedule(taskQueue)] : []),
    customerSignalsSchedule(taskQueue),
    transparencySchedule(taskQueue),
    slaCreditSchedule(taskQueue),
    endedCasesSchedule(taskQueue),
    retentionPurgeSchedule(taskQueue),
    ...(['daily', 'weekly', 'monthly', 'quarterly'] as const).map((kind) => reportSchedule(taskQueue, kind)),
  ];
}

/**
 * Creates the schedule when missing. An existing one is left as it is (its runs, pauses and any
 * operator edits survive a restart); to change a definition, delete the schedule and restart a
 * worker. Overlap SKIP in each: one run at a time.
 *
 * One exception: an existing schedule whose input carries no binding this client can verify (made
 * before starts were checked, or by hand) would start runs that fail at once as unverified, so its
 * input is replaced with this definition's, bound by `client`; nothing else of it changes.
 * `rebound`: that happened.
 */
export async function ensureSchedule(client: Client, options: ScheduleOptions): Promise<{ handle: ScheduleHandle; created: boolean; rebound: boolean }> {
  try {
    return { handle: await client.schedule.create(options), created: true, rebound: false };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const handle = client.schedule.getHandle(options.scheduleId);
    const { action } = await handle.describe();
    const input: unknown = action.type === 'startWorkflow' ? action.args?.[0] : undefined;
    const bound = typeof input === 'object' && input !== null && VERIFIED_CALLER in input;
    if (bound || action.type !== 'startWorkflow' || options.action.type !== 'startWorkflow') return { handle, created: false, rebound: false };
    const args = options.action.args;
    await handle.update((previous) => ({ ...previous, action: { ...previous.action, args } }));
    return { handle, created: false, rebound: true };
  }
}
