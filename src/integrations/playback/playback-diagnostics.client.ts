import type { PlaybackCheck, PlaybackContext, PlaybackEvidence } from '../../domain/playback/checklist';
import { evidenceSchemas } from './evidence.schema';

/** The source has no data for this user/session/device (HTTP 404): the check is "unavailable". */
export class EvidenceNotFoundError extends Error {
  constructor(readonly check: PlaybackCheck) {
    super(`no ${check} data for this session`);
    this.name = 'EvidenceNotFoundError';
  }
}

/** The source answered something that is not evidence: retrying will not change it. */
export class EvidenceInvalidError extends Error {
  constructor(
    readonly check: PlaybackCheck,
    detail: string,
  ) {
    super(`the diagnostics source answered an invalid ${check} record: ${detail}`);
    this.name = 'EvidenceInvalidError';
  }
}

/**
 * Reads troubleshooting evidence (subscription, device, CDN session, DRM and player data) from
 * the streaming platform's diagnostics service over HTTP. One GET per check, so a slow or
 * failing source costs only the checks it serves:
 *
 *   GET {base}/v1/accounts/{userId}/entitlement?sessionId=…
 *   GET {base}/v1/devices/{deviceId}/client
 *   GET {base}/v1/sessions/{sessionId}/network
 *   GET {base}/v1/devices/{deviceId}/drm?sessionId=…
 *   GET {base}/v1/sessions/{sessionId}/diagnostics
 *
 * 5xx, 429 and network errors throw plain errors (the activity retries them).
 */
export class PlaybackDiagnosticsClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly timeoutMs = 10_000,
  ) {}

  static path(check: PlaybackCheck, ctx: PlaybackContext): string {
    const e = encodeURIComponent;
    switch (check) {
      case 'entitlement':
        return `/v1/accounts/${e(ctx.userId)}/entitlement?sessionId=${e(ctx.sessionId)}`;
      case 'client':
        return `/v1/devices/${e(ctx.deviceId)}/client`;
      case 'network':
        return `/v1/sessions/${e(ctx.sessionId)}/network`;
      case 'drm':
        return `/v1/devices/${e(ctx.deviceId)}/drm?sessionId=${e(ctx.sessionId)}`;
      case 'diagnostics':
        return `/v1/sessions/${e(ctx.sessionId)}/diagnostics`;
    }
  }

  async fetchEvidence<C extends PlaybackCheck>(check: C, ctx: PlaybackContext): Promise<PlaybackEvidence[C]> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await fetch(new URL(PlaybackDiagnosticsClient.path(check, ctx), this.baseUrl), { headers, signal: AbortSignal.timeout(this.timeoutMs) });
    if (res.status === 404) throw new EvidenceNotFoundError(check);
    if (!res.ok) throw new Error(`diagnostics source answered ${res.status} for ${check}`);
    const parsed = evidenceSchemas[check].safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) {
      throw new EvidenceInvalidError(check, parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
    }
    return parsed.data as PlaybackEvidence[C];
  }
}
