import { resolve } from 'node:path';
import { PolicyRegistry } from '../../src/config/policy-registry';
import {
  checkClient,
  checkDiagnostics,
  checkDrm,
  checkEntitlement,
  checkNetwork,
  escalationCarriesLogs,
  majorVersion,
  PlaybackThresholds,
} from '../../src/domain/playback/checklist';
import { pinTicketPolicy } from '../../src/domain/policy/ticket-policy';

const shipped = PolicyRegistry.fromDirectory(resolve(__dirname, '..', '..', 'policies'));
const t: PlaybackThresholds = pinTicketPolicy(shipped.find('uoozee')!, 'chat', null).playbackChecklist!;
const now = Date.parse('2026-11-25T12:00:00Z');

describe('playback checklist thresholds in the shipped pack', () => {
  it("carry the document's numbers", () => {
    expect(t).toEqual({
      minHdMbps: 5,
      min4kMbps: 25,
      maxMajorVersionsBehind: 1,
      maxClockSkewMs: 5 * 60_000,
      certificateWarnWithinMs: 14 * 86_400_000,
      attachLogsForPriorities: ['P1', 'P2'],
    });
  });

  it('exist only for the streaming brand', () => {
    expect(pinTicketPolicy(shipped.find('vivtone')!, 'email', 'pro').playbackChecklist).toBeNull();
  });
});

describe('entitlement', () => {
  const ok = { region: 'GB', licensedRegions: ['GB', 'IE'], subscriptionActive: true, activeDevices: 1, deviceLimit: 4 };
  it('passes an entitled viewer', () => expect(checkEntitlement(ok, now).outcome).toBe('pass'));
  it('finds each cause: region rights, inactive subscription, device limit', () => {
    const r = checkEntitlement({ ...ok, region: 'US', subscriptionActive: false, activeDevices: 4 }, now);
    expect(r.outcome).toBe('fail');
    expect(r.findings).toEqual(['title not licensed in US (licensed: GB, IE)', 'subscription not active', 'device limit reached (4 of 4 in use)']);
    expect(r.advice).toHaveLength(3);
  });
  it('treats an empty licence list as worldwide', () => expect(checkEntitlement({ ...ok, region: 'BR', licensedRegions: [] }, now).outcome).toBe('pass'));
});

describe('client version', () => {
  const c = { appVersion: '8.4.0', latestAppVersion: '9.1.2', os: 'tvOS', osVersion: '18.1', model: 'AppleTV14,1' };
  it('reads major versions', () => {
    expect(majorVersion('v12.0.1')).toBe(12);
    expect(majorVersion('build-xyz')).toBeNull();
  });
  it('accepts one major version behind', () => expect(checkClient(c, t, now).outcome).toBe('pass'));
  it('advises an update when more than one major version behind', () => {
    const r = checkClient({ ...c, appVersion: '7.9.9' }, t, now);
    expect(r.outcome).toBe('fail');
    expect(r.findings[0]).toContain('2 major versions behind');
    expect(r.advice).toEqual(['advise updating the app to 9.1.2']);
  });
  it('asks for the version when it cannot be read', () => expect(checkClient({ ...c, appVersion: 'unknown' }, t, now).advice[0]).toMatch(/Settings/));
});

describe('network and CDN', () => {
  const n = { measuredMbps: 5, requestedQuality: 'HD' as const, cdnEdge: 'lhr-3', http4xx: 0, http5xx: 0 };
  it('HD passes at exactly 5 Mbps and fails below', () => {
    expect(checkNetwork(n, t, now).outcome).toBe('pass');
    expect(checkNetwork({ ...n, measuredMbps: 4.9 }, t, now).findings).toEqual(['measured 4.9 Mbps, below the 5 Mbps HD needs']);
  });
  it('4K needs 25 Mbps; below it with HD speed, suggests HD', () => {
    expect(checkNetwork({ ...n, requestedQuality: '4K', measuredMbps: 25 }, t, now).outcome).toBe('pass');
    const r = checkNetwork({ ...n, requestedQuality: '4K', measuredMbps: 24 }, t, now);
    expect(r.findings).toEqual(['measured 24 Mbps, below the 25 Mbps 4K needs']);
    expect(r.advice[0]).toMatch(/HD quality/);
  });
  it('reports CDN edge 5xx and 4xx', () => {
    const r = checkNetwork({ ...n, http5xx: 3, http4xx: 1 }, t, now);
    expect(r.findings).toEqual(['CDN edge lhr-3 answered 3 5xx errors in the session', 'CDN edge lhr-3 answered 1 4xx errors in the session']);
  });
});

describe('DRM', () => {
  const d = { licenseErrors: [], deviceClockSkewSeconds: 300, certificateExpiresAt: '2027-06-01T00:00:00Z' };
  it('passes at exactly 5 minutes of skew', () => expect(checkDrm(d, t, now).outcome).toBe('pass'));
  it('fails beyond 5 minutes of skew, either way', () => {
    expect(checkDrm({ ...d, deviceClockSkewSeconds: 301 }, t, now).outcome).toBe('fail');
    expect(checkDrm({ ...d, deviceClockSkewSeconds: -900 }, t, now).findings).toEqual(['device clock is off by 15 min (limit 5 min)']);
  });
  it('reports licence errors by code', () => {
    const r = checkDrm({ ...d, licenseErrors: [{ code: 'DRM-6001', at: '2026-11-25T11:00:00Z' }, { code: 'DRM-6001', at: '2026-11-25T11:01:00Z' }] }, t, now);
    expect(r.findings).toEqual(['2 licence acquisition error(s): DRM-6001']);
  });
  it('flags an expired certificate and one expiring within the warning window', () => {
    expect(checkDrm({ ...d, certificateExpiresAt: '2026-11-25T11:59:59Z' }, t, now).findings[0]).toMatch(/expired/);
    expect(checkDrm({ ...d, certificateExpiresAt: '2026-12-05T00:00:00Z' }, t, now).findings[0]).toMatch(/expires at/);
    expect(checkDrm({ ...d, certificateExpiresAt: '2026-12-10T00:00:00Z' }, t, now).outcome).toBe('pass');
  });
});

describe('playback diagnostics', () => {
  it('lists the error codes and keeps the log references for escalation', () => {
    const r = checkDiagnostics({ playerLogUrl: 'https://logs.example/s/1', errorCodes: [{ code: 'E-4012', at: '2026-11-25T11:58:00Z' }], screenRecordingUrl: null }, now);
    expect(r.outcome).toBe('fail');
    expect(r.findings).toEqual(['player reported E-4012 at 2026-11-25T11:58:00Z']);
    expect(r.advice).toEqual(['ask for a short screen recording when possible']);
    expect(r.logs).toEqual({ playerLogUrl: 'https://logs.example/s/1', screenRecordingUrl: null, errorCodes: [{ code: 'E-4012', at: '2026-11-25T11:58:00Z' }] });
  });
  it('asks for the player log when there is none', () => {
    expect(checkDiagnostics({ playerLogUrl: null, errorCodes: [], screenRecordingUrl: null }, now).advice[0]).toMatch(/player log/);
  });
});

it('P2+ escalations carry the logs, P3 and P4 do not', () => {
  expect(['P1', 'P2', 'P3', 'P4'].map((p) => escalationCarriesLogs(t, p))).toEqual([true, true, false, false]);
});
