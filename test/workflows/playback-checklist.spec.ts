import { Client } from '@temporalio/client';
import { DataSource } from 'typeorm';
import type { PlaybackContext, PlaybackEvidence } from '../../src/domain/playback/checklist';
import { ticketWorkflow } from '../../src/workflows';
import { replyUpdate, statusQuery, TicketInput } from '../../src/workflows/ticket/messages';
import { startNotifyWebhookFake, NotifyWebhookFake } from '../fakes/notify-webhook';
import { startPlaybackDiagnosticsFake, PlaybackDiagnosticsFake } from '../fakes/playback-diagnostics';
import { openDataSource, RunningWorker, startWorker, temporalClient, testConfig, uniqueTaskQueue } from '../support/harness';
import { ticketEvents, ticketInput } from '../support/tickets';
import { waitFor } from '../support/wait-for';

/** A session with three things wrong: old app, slow line for 4K with edge 5xx, skewed clock. */
const troubled: PlaybackEvidence = {
  entitlement: { region: 'GB', licensedRegions: ['GB'], subscriptionActive: true, activeDevices: 2, deviceLimit: 4 },
  client: { appVersion: '6.2.0', latestAppVersion: '9.0.1', os: 'Android TV', osVersion: '12', model: 'BRAVIA-XR' },
  network: { measuredMbps: 11.5, requestedQuality: '4K', cdnEdge: 'lhr-3', http4xx: 0, http5xx: 7 },
  drm: { licenseErrors: [], deviceClockSkewSeconds: -420, certificateExpiresAt: '2030-01-01T00:00:00Z' },
  diagnostics: { playerLogUrl: 'https://logs.uoozee.example/sessions/ps-1/player.log', errorCodes: [{ code: 'E-4012', at: '2026-11-25T11:58:00Z' }], screenRecordingUrl: null },
};

describe('playback troubleshooting checklist on playback tickets', () => {
  const taskQueue = uniqueTaskQueue('playback');
  let diag: PlaybackDiagnosticsFake;
  let notify: NotifyWebhookFake;
  let ds: DataSource;
  let client: Client;
  let worker: RunningWorker;

  beforeAll(async () => {
    diag = await startPlaybackDiagnosticsFake();
    notify = await startNotifyWebhookFake();
    const config = testConfig({ PLAYBACK_DIAGNOSTICS_URL: diag.url, PLAYBACK_DIAGNOSTICS_TOKEN: diag.token, NOTIFY_WEBHOOK_URL: notify.url });
    ds = await openDataSource(config);
    client = await temporalClient(config);
    worker = await startWorker(config, ds, taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
    await ds?.destroy();
    await notify?.close();
    await diag?.close();
  });

  let n = 0;
  const playbackTicket = (priority: string, targets: Parameters<typeof ticketInput>[1] = {}): { input: TicketInput; ctx: PlaybackContext } => {
    const ctx = { userId: `usr-${++n}`, sessionId: `ps-${n}`, deviceId: `dev-${n}` };
    return { ctx, input: ticketInput({ priority, category: 'playback', playback: ctx }, targets) };
  };
  const start = (input: TicketInput) => client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue, args: [input] });

  it('runs every check, attaches each verdict to the ticket, and keeps the evidence', async () => {
    const { input, ctx } = playbackTicket('P3', { firstResponse: 60_000 });
    diag.serve(ctx, troubled);
    diag.failNext('network', 2); // the source hiccups: retried, not lost
    const handle = await start(input);
    const view = await waitFor(async () => {
      const v = await handle.query(statusQuery);
      return v.troubleshooting.length === 5 ? v : undefined;
    }, { what: 'five checklist verdicts' });

    expect(view.category).toBe('playback');
    expect(view.troubleshooting.map((r) => [r.check, r.outcome])).toEqual([
      ['entitlement', 'pass'],
      ['client', 'fail'],
      ['network', 'fail'],
      ['drm', 'fail'],
      ['diagnostics', 'fail'],
    ]);
    const byCheck = Object.fromEntries(view.troubleshooting.map((r) => [r.check, r]));
    expect(byCheck.client.advice).toEqual(['advise updating the app to 9.0.1']);
    expect(byCheck.network.findings).toEqual(['measured 11.5 Mbps, below the 25 Mbps 4K needs', 'CDN edge lhr-3 answered 7 5xx errors in the session']);
    expect(byCheck.drm.findings).toEqual(['device clock is off by 7 min (limit 5 min)']);
    expect(diag.requests.get(`/v1/sessions/${ctx.sessionId}/network`)).toBe(3);

    // Each verdict is on the ticket before its playback_check event is written: wait for all five.
    const events = await waitFor(async () => {
      const found = (await ticketEvents(ds, input.ticketId)).filter((e) => e.type === 'playback_check');
      return found.length >= 5 ? found : undefined;
    }, { what: 'five playback_check events' });
    expect(events.map((e) => e.data.check).sort()).toEqual(['client', 'diagnostics', 'drm', 'entitlement', 'network']);
    const rows: { check: string; outcome: string; evidence: { measuredMbps?: number } | null }[] = await ds.query(
      `SELECT "check", outcome, evidence FROM ticket_checks WHERE ticket_id = $1 ORDER BY "check"`,
      [input.ticketId],
    );
    expect(rows).toHaveLength(5);
    expect(rows.find((r) => r.check === 'network')?.evidence?.measuredMbps).toBe(11.5);
  });

  it('marks a check unavailable when the source has no data, without blocking the ticket', async () => {
    const { input, ctx } = playbackTicket('P3', { firstResponse: 60_000 });
    diag.serve(ctx, { entitlement: troubled.entitlement, client: troubled.client, network: troubled.network, drm: troubled.drm }); // no diagnostics
    const handle = await start(input);
    await handle.executeUpdate(replyUpdate, { args: [{ actor: 'ann', author: 'agent', message: 'Looking into it' }] });
    const view = await waitFor(async () => {
      const v = await handle.query(statusQuery);
      return v.troubleshooting.length === 5 ? v : undefined;
    }, { what: 'five checklist verdicts' });
    const diagnostics = view.troubleshooting.find((r) => r.check === 'diagnostics')!;
    expect(diagnostics.outcome).toBe('unavailable');
    expect(diagnostics.findings).toEqual(['no diagnostics data for this session']);
    expect(view.sla.firstResponse?.state).toBe('met');
  });

  it('a P2 escalation carries the collected logs; a P3 escalation does not', async () => {
    const p2 = playbackTicket('P2', { firstResponse: 3_000, resolution: 600_000 });
    const p3 = playbackTicket('P3', { firstResponse: 3_000, resolution: 600_000 });
    diag.serve(p2.ctx, troubled);
    diag.serve(p3.ctx, troubled);
    await Promise.all([start(p2.input), start(p3.input)]);
    const firstEscalation = (ticketId: string) => notify.accepted.find((a) => a.body.ticketId === ticketId && a.body.kind === 'sla_escalation');
    await waitFor(() => firstEscalation(p2.input.ticketId) && firstEscalation(p3.input.ticketId), { what: 'both tickets escalated' });

    const carried = firstEscalation(p2.input.ticketId)!.body.troubleshooting as { results: { check: string; outcome: string }[]; logs: { playerLogUrl: string; errorCodes: unknown[] } };
    expect(carried.results).toHaveLength(5);
    expect(carried.logs.playerLogUrl).toBe(troubled.diagnostics.playerLogUrl);
    expect(carried.logs.errorCodes).toEqual(troubled.diagnostics.errorCodes);
    expect(firstEscalation(p3.input.ticketId)!.body.troubleshooting).toBeUndefined();
  });

  it('does not run the checklist on other tickets', async () => {
    const ctx = { userId: 'usr-billing', sessionId: 'ps-billing', deviceId: 'dev-billing' };
    const input = ticketInput({ priority: 'P3', category: 'billing', playback: ctx }, { firstResponse: 60_000 });
    const handle = await start(input);
    // Once this update has completed, every command of the tasks before it is in history.
    await handle.executeUpdate(replyUpdate, { args: [{ actor: 'ann', author: 'agent', message: 'About your invoice' }] });
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    // The read-model writes are there (regular activities since issue 20): the history is whole.
    expect(scheduled).toContain('recordTicketTransition');
    expect(scheduled).not.toContain('runPlaybackCheck');
    expect((await handle.query(statusQuery)).troubleshooting).toEqual([]);
  });
});
