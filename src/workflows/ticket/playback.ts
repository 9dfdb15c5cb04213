import { ActivityFailure } from '@temporalio/workflow';
import { escalationCarriesLogs, PLAYBACK_CHECKS, PlaybackCheckResult, unavailableResult } from '../../domain/playback/checklist';
import type { Notification } from '../../integrations/notify/notification';
import { runPlaybackCheck } from './activity-proxies';
import type { TicketCase } from './ticket.workflow';

/** Playback tickets: each checklist item as its own activity, each verdict attached as it lands. */
export async function runPlaybackChecklist(t: TicketCase): Promise<void> {
  const { input, state } = t;
  const thresholds = state.policy.playbackChecklist;
  const context = input.playback;
  if (input.category !== 'playback' || !thresholds || !context) return;
  await Promise.all(
    // A carried run asks only what no earlier run has a verdict for.
    PLAYBACK_CHECKS.filter((check) => state.checks[check] === undefined).map(async (check) => {
      let result: PlaybackCheckResult;
      try {
        result = await runPlaybackCheck({ ticketId: input.ticketId, check, context, thresholds });
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        result = unavailableResult(check, `diagnostics source failed: ${err.cause?.message ?? err.message}`, Date.now());
      }
      state.checks[check] = result;
      await t.commit('playback_check', 'system', { check, outcome: result.outcome, findings: result.findings, advice: result.advice }, `${input.ticketId}:playback:${check}`);
    }),
  );
}

/** What an escalation carries for playback tickets of the priorities that escalate "with logs attached". */
export function escalationAttachments(t: TicketCase): Pick<Notification, 'troubleshooting'> {
  const { input, state } = t;
  const thresholds = state.policy.playbackChecklist;
  if (input.category !== 'playback' || !thresholds || !escalationCarriesLogs(thresholds, state.priority)) return {};
  const results = PLAYBACK_CHECKS.flatMap((c) => state.checks[c] ?? []);
  return {
    troubleshooting: {
      results: results.map(({ check, outcome, findings }) => ({ check, outcome, findings })),
      logs: state.checks.diagnostics?.logs ?? null,
    },
  };
}
