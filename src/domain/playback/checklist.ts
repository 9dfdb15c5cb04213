/**
 * The streaming brand's playback troubleshooting checklist (000_…txt, "Technical troubleshooting
 * checklist"), as pure rules: evidence in, a verdict per check out. The worker fetches the
 * evidence; these functions decide, so the rules are tested without any data source.
 */

export const PLAYBACK_CHECKS = ['entitlement', 'client', 'network', 'drm', 'diagnostics'] as const;
export type PlaybackCheck = (typeof PLAYBACK_CHECKS)[number];

/** The thresholds, from the brand's policy pack (numbers from the document). */
export interface PlaybackThresholds {
  /** "target ≥5 Mbps for HD" */
  minHdMbps: number;
  /** "≥25 Mbps for 4K" */
  min4kMbps: number;
  /** "advise update if >1 major version behind" */
  maxMajorVersionsBehind: number;
  /** "time skew >5 minutes on the device" */
  maxClockSkewMs: number;
  /** A DRM certificate expiring within this long is flagged before it breaks playback. */
  certificateWarnWithinMs: number;
  /** "escalate with logs attached for P2+": the priorities whose escalations carry the logs. */
  attachLogsForPriorities: string[];
}

/** Who and what to look at: IDs the customer's app reports ("capture user ID and playback session ID"). */
export interface PlaybackContext {
  userId: string;
  sessionId: string;
  deviceId: string;
}

export interface EntitlementEvidence {
  /** ISO country the session played from. */
  region: string;
  /** Countries where the title is licensed; empty when the whole catalogue is meant. */
  licensedRegions: string[];
  subscriptionActive: boolean;
  activeDevices: number;
  deviceLimit: number;
}

export interface ClientEvidence {
  appVersion: string;
  latestAppVersion: string;
  os: string;
  osVersion: string;
  model: string;
}

export interface NetworkEvidence {
  measuredMbps: number;
  requestedQuality: 'SD' | 'HD' | '4K';
  cdnEdge: string;
  /** Responses with these status classes in the session's CDN log. */
  http4xx: number;
  http5xx: number;
}

export interface TimedCode {
  code: string;
  at: string;
}

export interface DrmEvidence {
  licenseErrors: TimedCode[];
  /** Device clock minus server clock, in seconds (either sign). */
  deviceClockSkewSeconds: number;
  certificateExpiresAt: string;
}

export interface DiagnosticsEvidence {
  /** Where the player log is kept (a reference, not its content: logs may hold personal data). */
  playerLogUrl: string | null;
  errorCodes: TimedCode[];
  screenRecordingUrl: string | null;
}

export interface PlaybackEvidence {
  entitlement: EntitlementEvidence;
  client: ClientEvidence;
  network: NetworkEvidence;
  drm: DrmEvidence;
  diagnostics: DiagnosticsEvidence;
}

/**
 * pass: nothing wrong found. fail: a cause found (the findings say which). unavailable: no
 * evidence could be had (no source configured, the source had no data, or it kept failing).
 */
export type CheckOutcome = 'pass' | 'fail' | 'unavailable';

export interface PlaybackCheckResult {
  check: PlaybackCheck;
  outcome: CheckOutcome;
  findings: string[];
  /** What the agent tells the customer or does next. */
  advice: string[];
  checkedAt: string;
  /** Only for the diagnostics check: what escalations carry. */
  logs?: { playerLogUrl: string | null; screenRecordingUrl: string | null; errorCodes: TimedCode[] };
}

export function unavailableResult(check: PlaybackCheck, reason: string, now: number): PlaybackCheckResult {
  return { check, outcome: 'unavailable', findings: [reason], advice: [], checkedAt: new Date(now).toISOString() };
}

function result(check: PlaybackCheck, findings: string[], advice: string[], now: number): PlaybackCheckResult {
  return { check, outcome: findings.length ? 'fail' : 'pass', findings, advice, checkedAt: new Date(now).toISOString() };
}

export function checkEntitlement(e: EntitlementEvidence, now: number): PlaybackCheckResult {
  const findings: string[] = [];
  const advice: string[] = [];
  if (e.licensedRegions.length > 0 && !e.licensedRegions.includes(e.region)) {
    findings.push(`title not licensed in ${e.region} (licensed: ${e.licensedRegions.join(', ')})`);
    advice.push('explain the regional rights restriction; no technical fix applies');
  }
  if (!e.subscriptionActive) {
    findings.push('subscription not active');
    advice.push('route to billing: renew or update the payment method');
  }
  if (e.activeDevices >= e.deviceLimit) {
    findings.push(`device limit reached (${e.activeDevices} of ${e.deviceLimit} in use)`);
    advice.push('sign out an unused device or upgrade to a plan with more screens');
  }
  return result('entitlement', findings, advice, now);
}

/** The leading integer of a version string ("7.2.1" → 7); null when there is none. */
export function majorVersion(version: string): number | null {
  const m = /^\s*v?(\d+)/i.exec(version);
  return m ? Number(m[1]) : null;
}

export function checkClient(c: ClientEvidence, t: PlaybackThresholds, now: number): PlaybackCheckResult {
  const installed = majorVersion(c.appVersion);
  const latest = majorVersion(c.latestAppVersion);
  if (installed === null || latest === null) {
    return result('client', [`cannot compare app versions "${c.appVersion}" and "${c.latestAppVersion}"`], ['ask the customer for the app version shown in Settings › About'], now);
  }
  const behind = latest - installed;
  if (behind > t.maxMajorVersionsBehind) {
    return result('client', [`app ${c.appVersion} is ${behind} major versions behind ${c.latestAppVersion} on ${c.os} ${c.osVersion} (${c.model})`], [`advise updating the app to ${c.latestAppVersion}`], now);
  }
  return result('client', [], [], now);
}

export function requiredMbps(quality: NetworkEvidence['requestedQuality'], t: PlaybackThresholds): number {
  // SD has no number in the document; it plays on anything that carries HD's floor.
  return quality === '4K' ? t.min4kMbps : t.minHdMbps;
}

export function checkNetwork(n: NetworkEvidence, t: PlaybackThresholds, now: number): PlaybackCheckResult {
  const findings: string[] = [];
  const advice: string[] = [];
  const needed = requiredMbps(n.requestedQuality, t);
  if (n.measuredMbps < needed) {
    findings.push(`measured ${n.measuredMbps} Mbps, below the ${needed} Mbps ${n.requestedQuality} needs`);
    advice.push(n.requestedQuality === '4K' && n.measuredMbps >= t.minHdMbps ? 'suggest HD quality, or a wired connection for 4K' : 'check the home network: wired connection, router restart, other heavy users');
  }
  if (n.http5xx > 0) {
    findings.push(`CDN edge ${n.cdnEdge} answered ${n.http5xx} 5xx errors in the session`);
    advice.push(`report CDN edge ${n.cdnEdge} to SRE (edge failure signature)`);
  }
  if (n.http4xx > 0) {
    findings.push(`CDN edge ${n.cdnEdge} answered ${n.http4xx} 4xx errors in the session`);
    advice.push('check the session token and entitlement: 4xx from the edge means the request was refused');
  }
  return result('network', findings, advice, now);
}

export function checkDrm(d: DrmEvidence, t: PlaybackThresholds, now: number): PlaybackCheckResult {
  const findings: string[] = [];
  const advice: string[] = [];
  if (d.licenseErrors.length > 0) {
    findings.push(`${d.licenseErrors.length} licence acquisition error(s): ${[...new Set(d.licenseErrors.map((e) => e.code))].join(', ')}`);
    advice.push('escalate the licence errors with the session ID to the DRM team');
  }
  if (Math.abs(d.deviceClockSkewSeconds) * 1000 > t.maxClockSkewMs) {
    findings.push(`device clock is off by ${Math.round(Math.abs(d.deviceClockSkewSeconds) / 60)} min (limit ${t.maxClockSkewMs / 60_000} min)`);
    advice.push('ask the customer to set date and time to automatic');
  }
  const expires = Date.parse(d.certificateExpiresAt);
  if (Number.isNaN(expires)) {
    findings.push(`certificate expiry "${d.certificateExpiresAt}" is not a date`);
  } else if (expires <= now) {
    findings.push(`DRM certificate expired at ${new Date(expires).toISOString()}`);
    advice.push('the device needs a certificate renewal: reinstall the app or update the device firmware');
  } else if (expires - now <= t.certificateWarnWithinMs) {
    findings.push(`DRM certificate expires at ${new Date(expires).toISOString()}`);
    advice.push('renew the device certificate before it expires');
  }
  return result('drm', findings, advice, now);
}

export function checkDiagnostics(d: DiagnosticsEvidence, now: number): PlaybackCheckResult {
  const findings: string[] = [];
  const advice: string[] = [];
  if (d.errorCodes.length > 0) findings.push(`player reported ${d.errorCodes.map((e) => `${e.code} at ${e.at}`).join(', ')}`);
  if (d.playerLogUrl === null) advice.push('ask the customer to send the player log (Settings › Help › Send diagnostics)');
  if (d.screenRecordingUrl === null && d.errorCodes.length > 0) advice.push('ask for a short screen recording when possible');
  return {
    ...result('diagnostics', findings, advice, now),
    logs: { playerLogUrl: d.playerLogUrl, screenRecordingUrl: d.screenRecordingUrl, errorCodes: d.errorCodes },
  };
}

/** One check's verdict from its evidence. */
export function evaluatePlaybackCheck<C extends PlaybackCheck>(check: C, evidence: PlaybackEvidence[C], t: PlaybackThresholds, now: number): PlaybackCheckResult {
  switch (check) {
    case 'entitlement':
      return checkEntitlement(evidence as EntitlementEvidence, now);
    case 'client':
      return checkClient(evidence as ClientEvidence, t, now);
    case 'network':
      return checkNetwork(evidence as NetworkEvidence, t, now);
    case 'drm':
      return checkDrm(evidence as DrmEvidence, t, now);
    case 'diagnostics':
      return checkDiagnostics(evidence as DiagnosticsEvidence, now);
  }
  throw new Error(`unknown playback check ${String(check)}`);
}

/** Escalations of these priorities carry the logs the checklist collected. */
export function escalationCarriesLogs(t: PlaybackThresholds, priority: string): boolean {
  return t.attachLogsForPriorities.includes(priority);
}
