import {
  AlertFieldError,
  alertFingerprint,
  alertRulesSchema,
  AlertRulesInput,
  AlertSignal,
  AlertWindow,
  classifyAlerts,
  compareUrgency,
  emptyAlertWindow,
  fnv1a64,
  fromPagerDutyEvent,
  isContentFingerprint,
  recordAlert,
  ruleFor,
  WINDOW_MAX_FINGERPRINTS,
  windowCounts,
} from '../../../src/domain/incident/alert';

const RECEIVED_AT = Date.UTC(2025, 0, 10, 12, 0, 0);
const KEY = 'a'.repeat(32);

const triggerBody = (over: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) => ({
  routing_key: KEY,
  event_action: 'trigger',
  dedup_key: 'edge-lhr-5xx',
  payload: {
    summary: 'Playback API 5xx rate above 5%',
    source: 'prometheus-eu-1',
    severity: 'critical',
    timestamp: '2025-01-10T11:58:30.000+0000',
    component: 'playback-api',
    group: 'eu-west',
    class: 'HTTP 5xx',
    custom_details: { count: 42, edge: 'lhr-3', rate: 0.07 },
    ...payload,
  },
  ...over,
});

describe('fromPagerDutyEvent', () => {
  it('maps a trigger: class → kind, component → service, group → region, custom_details edge/count', () => {
    expect(fromPagerDutyEvent(triggerBody(), RECEIVED_AT)).toEqual({
      action: 'trigger',
      dedupKey: 'edge-lhr-5xx',
      signal: {
        source: 'prometheus-eu-1',
        kind: 'http_5xx',
        service: 'playback-api',
        region: 'eu-west',
        edge: 'lhr-3',
        count: 42,
        occurredAt: Date.UTC(2025, 0, 10, 11, 58, 30),
        summary: 'Playback API 5xx rate above 5%',
        severity: 'critical',
        dedupKey: 'edge-lhr-5xx',
        details: { count: 42, edge: 'lhr-3', rate: 0.07 },
      },
    });
  });

  it('fills what PagerDuty leaves optional: time of receipt, source as service, count 1, no region or edge', () => {
    const body = { routing_key: KEY, event_action: 'trigger', payload: { summary: 'DRM licence errors', source: 'drm-proxy', severity: 'error' } };
    const { signal, dedupKey } = fromPagerDutyEvent(body, RECEIVED_AT);
    expect(dedupKey).toBeNull();
    expect(signal).toMatchObject({ kind: 'unclassified', service: 'drm-proxy', region: null, edge: null, count: 1, occurredAt: RECEIVED_AT, dedupKey: null, details: {} });
  });

  it('keeps non-object custom_details instead of dropping them', () => {
    const { signal } = fromPagerDutyEvent(triggerBody({}, { custom_details: 'edge lhr-3 down' }), RECEIVED_AT);
    expect(signal?.details).toEqual({ custom_details: 'edge lhr-3 down' });
    expect(signal?.count).toBe(1);
  });

  it('acknowledge and resolve need only the dedup key', () => {
    expect(fromPagerDutyEvent({ routing_key: KEY, event_action: 'acknowledge', dedup_key: 'k1' }, RECEIVED_AT)).toEqual({ action: 'acknowledge', dedupKey: 'k1', signal: null });
    expect(fromPagerDutyEvent({ routing_key: KEY, event_action: 'resolve', dedup_key: 'k1' }, RECEIVED_AT)).toEqual({ action: 'resolve', dedupKey: 'k1', signal: null });
  });

  it.each([
    ['payload.severity', triggerBody({}, { severity: 'fatal' })],
    ['payload.summary', triggerBody({}, { summary: '' })],
    ['payload.source', triggerBody({}, { source: undefined })],
    ['payload.timestamp', triggerBody({}, { timestamp: 'yesterday' })],
    ['payload.class', triggerBody({}, { class: 7 })],
    ['event_action', triggerBody({ event_action: 'escalate' })],
    ['routing_key', triggerBody({ routing_key: undefined })],
    ['dedup_key', { routing_key: KEY, event_action: 'resolve' }],
    ['payload', { routing_key: KEY, event_action: 'trigger' }],
    ['(body)', 'not an object'],
  ])('names the offending field: %s', (field, body) => {
    let caught: unknown;
    try {
      fromPagerDutyEvent(body, RECEIVED_AT);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AlertFieldError);
    expect((caught as AlertFieldError).field).toBe(field);
    expect((caught as AlertFieldError).message.startsWith(`${field}: `)).toBe(true);
  });
});

const signal = (over: Partial<AlertSignal> = {}): AlertSignal => ({
  source: 'prometheus',
  kind: 'cdn_edge_failure',
  service: 'cdn',
  region: 'eu-west',
  edge: 'lhr-3',
  count: 1,
  occurredAt: RECEIVED_AT,
  summary: 'edge down',
  severity: 'critical',
  dedupKey: null,
  details: {},
  ...over,
});

describe('alertFingerprint', () => {
  const SAFE = /^[a-z0-9\-_.:]{1,200}$/;

  it('is deterministic and readable', () => {
    const fp = alertFingerprint(signal());
    expect(fp).toBe(alertFingerprint(signal({ summary: 'other words', count: 9, occurredAt: 0 })));
    expect(fp).toMatch(/^cdn_edge_failure:cdn:eu-west:lhr-3:[0-9a-f]{16}$/);
    expect(fp).toBe(`cdn_edge_failure:cdn:eu-west:lhr-3:${fnv1a64(JSON.stringify(['cdn_edge_failure', 'cdn', 'eu-west', 'lhr-3']))}`);
  });

  it('FNV-1a 64 matches the published test vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
    expect(fnv1a64('foobar')).toBe('85944171f73967e8');
  });

  it('uses the dedup key when one is given, ignoring the other parts', () => {
    const a = alertFingerprint(signal({ dedupKey: 'Edge/LHR#5xx' }));
    expect(a).toBe(alertFingerprint(signal({ dedupKey: 'Edge/LHR#5xx', service: 'other', region: null })));
    expect(a).toMatch(/^dedup:edge_lhr_5xx:[0-9a-f]{16}$/);
  });

  it('keeps apart what only looks alike once cleaned', () => {
    const pairs: [Partial<AlertSignal>, Partial<AlertSignal>][] = [
      [{ service: 'Playback' }, { service: 'playback' }],
      [{ service: 'a/b' }, { service: 'a_b' }],
      [{ service: 'a:b', region: null }, { service: 'a', region: 'b' }],
      [{ region: null }, { region: '-' }],
      [{ edge: null }, { edge: '' }],
      [{ dedupKey: 'x'.repeat(300) + '1' }, { dedupKey: 'x'.repeat(300) + '2' }],
    ];
    for (const [a, b] of pairs) expect(alertFingerprint(signal(a))).not.toBe(alertFingerprint(signal(b)));
  });

  it('a content fingerprint handed back as a dedup key names the same group (PagerDuty trigger without dedup_key, then resolve)', () => {
    const content = alertFingerprint(signal({ kind: 'http_5xx', service: 'cdn', region: null, edge: null }));
    expect(isContentFingerprint(content)).toBe(true);
    expect(alertFingerprint({ kind: 'unclassified', service: '', region: null, edge: null, dedupKey: content })).toBe(content);
    expect(alertFingerprint(signal({ dedupKey: content, service: 'other' }))).toBe(content);
    // Long parts are cut to the same budget, and still recognised.
    const long = alertFingerprint(signal({ kind: 'k'.repeat(300), service: 's'.repeat(300), region: 'r'.repeat(300), edge: 'e'.repeat(300) }));
    expect(isContentFingerprint(long)).toBe(true);
    // A sender's own key is still its own group, never taken for a content fingerprint.
    const own = alertFingerprint(signal({ dedupKey: 'edge-lhr-5xx' }));
    expect(own).toMatch(/^dedup:edge-lhr-5xx:[0-9a-f]{16}$/);
    expect(isContentFingerprint(own)).toBe(false);
    expect(alertFingerprint(signal({ dedupKey: own }))).not.toBe(own);
    for (const key of ['edge-lhr-5xx', 'a:b:c:d', 'A:b:c:d:0123456789abcdef', 'a:b:c:d:0123456789abcdeg', 'a:b:c:d:e:0123456789abcdef']) expect(isContentFingerprint(key)).toBe(false);
  });

  it('is safe inside a workflow ID whatever the input', () => {
    const nasty = ['', ' ', 'Ünïcödé 🚨', '../../etc/passwd', 'a'.repeat(1000), 'tab\tnew\nline', '__proto__', 'CDN EDGE'];
    for (const s of nasty) {
      for (const fp of [alertFingerprint(signal({ kind: s, service: s, region: s, edge: s })), alertFingerprint(signal({ dedupKey: s }))]) {
        expect(fp).toMatch(SAFE);
      }
    }
    expect(alertFingerprint(signal({ dedupKey: 'k'.repeat(1000) })).length).toBeLessThanOrEqual(200);
    expect(alertFingerprint(signal({ service: 's'.repeat(1000), region: 'r'.repeat(1000) })).length).toBeLessThanOrEqual(200);
  });
});

const RULES: AlertRulesInput = {
  rules: [
    { kind: 'http_5xx', minCount: 3, within: '5m', priority: 'P1', autoResolveAfter: '30m' },
    { kind: 'cdn-edge-failure', minCount: 2, within: '10m', priority: 'P1', autoResolveAfter: '1h' },
    { kind: 'drm_license_failure', minCount: 5, within: '15m', priority: 'P2', autoResolveAfter: '1h' },
  ],
  default: { minCount: 10, within: '15m', priority: 'P3', autoResolveAfter: '2h' },
};

describe('alertRulesSchema', () => {
  it('parses durations to milliseconds and normalises kinds', () => {
    const rules = alertRulesSchema.parse(RULES);
    expect(ruleFor(rules, 'CDN Edge Failure')).toEqual({ kind: 'cdn_edge_failure', minCount: 2, withinMs: 600_000, priority: 'P1', autoResolveAfterMs: 3_600_000 });
    expect(ruleFor(rules, 'made_up')).toEqual({ kind: '*', minCount: 10, withinMs: 900_000, priority: 'P3', autoResolveAfterMs: 7_200_000 });
  });

  it.each([
    [{ ...RULES, default: { ...RULES.default, within: '5 minutes' } }, 'default.within'],
    [{ ...RULES, rules: [{ ...RULES.rules[0], minCount: 0 }] }, 'rules.0.minCount'],
    [{ ...RULES, rules: [{ ...RULES.rules[0], priority: 'high' }] }, 'rules.0.priority'],
    [{ ...RULES, rules: [RULES.rules[0], { ...RULES.rules[1], kind: 'HTTP 5xx' }] }, 'rules.1.kind'],
    [{ rules: RULES.rules }, 'default'],
  ])('rejects a bad rule set at the field (%#)', (input, path) => {
    const parsed = alertRulesSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('classifyAlerts', () => {
  const rules = alertRulesSchema.parse(RULES);

  it('opens nothing below every threshold', () => {
    expect(classifyAlerts(rules, [])).toBeNull();
    expect(
      classifyAlerts(rules, [
        { kind: 'http_5xx', count: 2 },
        { kind: 'drm_license_failure', count: 4 },
        { kind: 'custom', count: 9 },
      ]),
    ).toBeNull();
  });

  it('opens at the threshold and above', () => {
    expect(classifyAlerts(rules, [{ kind: 'http_5xx', count: 3 }])).toBe('P1');
    expect(classifyAlerts(rules, [{ kind: 'drm_license_failure', count: 50 }])).toBe('P2');
    expect(classifyAlerts(rules, [{ kind: 'custom', count: 10 }])).toBe('P3');
  });

  it('picks the most urgent priority when several kinds cross', () => {
    expect(
      classifyAlerts(rules, [
        { kind: 'custom', count: 10 },
        { kind: 'drm_license_failure', count: 5 },
        { kind: 'cdn_edge_failure', count: 2 },
      ]),
    ).toBe('P1');
    expect(['P3', 'P10', 'P1', 'P2'].sort(compareUrgency)).toEqual(['P1', 'P2', 'P3', 'P10']);
  });
});

describe('recordAlert (sliding window)', () => {
  const rules = alertRulesSchema.parse(RULES);
  const rule = ruleFor(rules, 'http_5xx'); // 3 within 5m → 25s buckets
  const T0 = 1_700_000_000_000 - (1_700_000_000_000 % 25_000); // a bucket boundary, to make the arithmetic visible
  const at = (ms: number, over: Partial<AlertSignal> = {}) => signal({ kind: 'http_5xx', occurredAt: T0 + ms, ...over });

  function feed(times: number[], window: AlertWindow = emptyAlertWindow()) {
    const results = [];
    for (const t of times) {
      const r = recordAlert(window, at(t), rule);
      window = r.window;
      results.push(r);
    }
    return results;
  }

  it('counts below, crosses exactly once at the threshold, stays above', () => {
    const r = feed([0, 60_000, 120_000, 130_000]);
    expect(r.map((x) => x.count)).toEqual([1, 2, 3, 4]);
    expect(r.map((x) => x.crossed)).toEqual([false, false, true, false]);
    expect(r.map((x) => x.thresholdMet)).toEqual([false, false, true, true]);
  });

  it('one batched signal can cross on its own', () => {
    const r = recordAlert(emptyAlertWindow(), at(0, { count: 5 }), rule);
    expect([r.count, r.crossed]).toEqual([5, true]);
  });

  it('slides: old alerts stop counting once they leave the window', () => {
    const r = feed([0, 60_000, 7 * 60_000]);
    expect(r.map((x) => x.count)).toEqual([1, 2, 1]);
    expect(r[2].crossed).toBe(false);
    // exactly `within` later, the first alert's bucket still overlaps (one-bucket resolution)…
    expect(feed([0, 300_000]).map((x) => x.count)).toEqual([1, 2]);
    // …one bucket beyond it no longer does.
    expect(feed([0, 325_000]).map((x) => x.count)).toEqual([1, 1]);
  });

  it('crosses again after the count fell back below the threshold', () => {
    const r = feed([0, 1_000, 2_000, 20 * 60_000, 20 * 60_000 + 1_000, 20 * 60_000 + 2_000]);
    expect(r.map((x) => x.crossed)).toEqual([false, false, true, false, false, true]);
  });

  it('a late signal older than the window is not counted and does not move the clock back', () => {
    const [, second] = feed([10 * 60_000, 10 * 60_000 + 1]);
    const late = recordAlert(second.window, at(0), rule);
    expect(late.count).toBe(2);
    expect(late.window.now).toBe(T0 + 10 * 60_000 + 1);
  });

  it('counts per fingerprint', () => {
    let window = emptyAlertWindow();
    for (const edge of ['lhr-1', 'lhr-2', 'lhr-1']) window = recordAlert(window, at(0, { edge }), rule).window;
    const counts = windowCounts(window, T0).map((c) => [c.kind, c.count]).sort();
    expect(counts).toEqual([
      ['http_5xx', 1],
      ['http_5xx', 2],
    ]);
    expect(windowCounts(window, T0 + 60 * 60_000)).toEqual([]);
  });

  it('keeps memory bounded: at most 13 buckets per fingerprint and a capped number of fingerprints', () => {
    let window = emptyAlertWindow();
    for (let t = 0; t < 30 * 60_000; t += 1_000) window = recordAlert(window, at(t), rule).window;
    const [series] = Object.values(window.series);
    expect(series.buckets.length).toBeLessThanOrEqual(13);
    for (let i = 0; i < WINDOW_MAX_FINGERPRINTS + 50; i++) window = recordAlert(window, at(30 * 60_000 + i, { edge: `e${i}` }), rule).window;
    expect(Object.keys(window.series)).toHaveLength(WINDOW_MAX_FINGERPRINTS);
    expect(JSON.parse(JSON.stringify(window))).toEqual(window); // plain JSON for workflow state
  });
});
