import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import {
  evaluatePlaybackCheck,
  PlaybackCheck,
  PlaybackCheckResult,
  PlaybackContext,
  PlaybackThresholds,
  unavailableResult,
} from '../domain/playback/checklist';
import { EvidenceInvalidError, EvidenceNotFoundError, PlaybackDiagnosticsClient } from '../integrations/playback/playback-diagnostics.client';
import type { ReadModelSealer } from '../persistence/read-model-sealer';

export interface PlaybackChecklistDeps {
  dataSource: DataSource;
  logger: Logger;
  sealer: ReadModelSealer;
  /** Absent: no diagnostics source is configured; every check is recorded as unavailable. */
  playbackDiagnostics?: PlaybackDiagnosticsClient;
}

export interface PlaybackCheckRequest {
  ticketId: string;
  check: PlaybackCheck;
  context: PlaybackContext;
  thresholds: PlaybackThresholds;
}

export function createPlaybackChecklistActivities({ dataSource, logger, sealer, playbackDiagnostics }: PlaybackChecklistDeps) {
  return {
    /**
     * Fetches one check's evidence, applies the brand's rules and attaches the verdict (with the
     * evidence) to the ticket. A source that is down throws, so Temporal retries; a source that
     * has no data, or answers nonsense, gives an "unavailable" verdict: retrying would not help.
     */
    async runPlaybackCheck({ ticketId, check, context, thresholds }: PlaybackCheckRequest): Promise<PlaybackCheckResult> {
      let result: PlaybackCheckResult;
      let evidence: unknown = null;
      if (!playbackDiagnostics) {
        result = unavailableResult(check, 'no diagnostics source configured (PLAYBACK_DIAGNOSTICS_URL)', Date.now());
      } else {
        try {
          evidence = await playbackDiagnostics.fetchEvidence(check, context);
          result = evaluatePlaybackCheck(check, evidence as never, thresholds, Date.now());
        } catch (err) {
          if (!(err instanceof EvidenceNotFoundError || err instanceof EvidenceInvalidError)) throw err;
          result = unavailableResult(check, err.message, Date.now());
        }
      }
      // Findings, advice and the evidence (log URLs, device and session IDs) are sealed under the
      // ticket's key; the check and its outcome, what is counted, stay in clear.
      const [findings, advice, sealedEvidence] = await Promise.all([sealer.seal(ticketId, result.findings), sealer.seal(ticketId, result.advice), sealer.seal(ticketId, evidence)]);
      // Keyed by (ticket, check): a retried activity overwrites its own row, never adds one.
      await dataSource.query(
        `INSERT INTO ticket_checks (ticket_id, "check", outcome, findings, advice, evidence, checked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (ticket_id, "check") DO UPDATE SET outcome = EXCLUDED.outcome, findings = EXCLUDED.findings,
           advice = EXCLUDED.advice, evidence = EXCLUDED.evidence, checked_at = EXCLUDED.checked_at`,
        [ticketId, check, result.outcome, JSON.stringify(findings), JSON.stringify(advice), sealedEvidence === null ? null : JSON.stringify(sealedEvidence), result.checkedAt],
      );
      logger.info({ ticketId, check, outcome: result.outcome }, 'playback check');
      return result;
    },
  };
}
