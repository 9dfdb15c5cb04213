import { offeredActions, DESK_ACTIONS, validatedBody } from '../../../src/api/desk/desk-actions';
import { caseMark, clocksOf, decisionMark, nextStep, OPEN_STATES, utc } from '../../../src/api/desk/desk-clocks';
import { safeNextPath } from '../../../src/api/desk/desk-paths';
import { DeskSessions, sameToken } from '../../../src/api/desk/desk-session';
import { escapeHtml, html, raw } from '../../../src/api/desk/html';
import { Problem } from '../../../src/api/problem/problem';
import type { AppConfig } from '../../../src/config/app-config';
import type { TakedownView } from '../../../src/workflows/takedown/messages';

const T0 = Date.parse('2026-12-01T09:00:00Z');

describe('html: every interpolation escaped', () => {
  it('escapes text and attribute values; nested templates and raw() pass through', () => {
    const name = `<script>alert("x")</script>' onmouseover='y`;
    const out = html`<p title="${name}">${name}</p>${html`<b>${'&'}</b>`}${raw('<hr>')}`.value;
    expect(out).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;y</p><b>&amp;</b><hr>',
    );
    expect(html`${['<a>', html`<i>`]}${null}${undefined}${false}${0}`.value).toBe('&lt;a&gt;<i>0');
    expect(escapeHtml('`')).toBe('&#96;');
  });
});

describe('desk sessions: sealed, idle timeout, lifetime', () => {
  const config = { DESK_IDLE_TIMEOUT_SECONDS: 60, DESK_SESSION_MAX_SECONDS: 3600, PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') } as AppConfig;
  const sessions = new DeskSessions(config);
  const principal = { keyId: 'k1', name: 'legal-ines', role: 'legal' as const };

  it('round-trips a session; the token names no key and cannot be read or altered', () => {
    const s = sessions.open(principal, T0);
    const token = sessions.seal(s);
    expect(token).not.toContain('legal-ines');
    expect(sessions.unseal(token, T0 + 1000)).toEqual({ session: s });
    const [v, iv, body, tag] = token.split('.');
    // The second-to-last character changes (always a whole 6 bits of ciphertext). The test used to
    // pick the new one by the *last* character, so 1 token in 64 (its second-to-last already 'A')
    // came back unaltered, and opened: it failed a fresh-clone make test.
    const flipped = `${v}.${iv}.${body.slice(0, -2)}${body.at(-2) === 'A' ? 'B' : 'A'}${body.slice(-1)}.${tag}`;
    expect(flipped).not.toBe(token);
    expect(sessions.unseal(flipped, T0)).toEqual({ session: null, reason: 'invalid' });
    // Another deployment's key opens nothing.
    const other = new DeskSessions({ ...config, PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(32, 8).toString('base64') } as AppConfig);
    expect(other.unseal(token, T0)).toEqual({ session: null, reason: 'invalid' });
  });

  it('expires after the idle timeout without a request, and after the lifetime whatever the activity', () => {
    const s = sessions.open(principal, T0);
    expect(sessions.unseal(sessions.seal(s), T0 + 60_000).session).not.toBeNull();
    expect(sessions.unseal(sessions.seal(s), T0 + 60_001)).toEqual({ session: null, reason: 'expired' });
    const busy = { ...s, seenAt: T0 + 3_600_001 - 1000 };
    expect(sessions.unseal(sessions.seal(busy), T0 + 3_600_001)).toEqual({ session: null, reason: 'expired' });
  });

  it('compares CSRF tokens exactly', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abd', 'abc')).toBe(false);
    expect(sameToken('ab', 'abc')).toBe(false);
    expect(sameToken(undefined, 'abc')).toBe(false);
    expect(sameToken(['abc'], 'abc')).toBe(false);
  });
});

describe('after sign-in: only a desk path of this origin', () => {
  it.each([
    ['/desk/takedowns/takedown-x', '/desk/takedowns/takedown-x'],
    ['/desk?state=triage', '/desk?state=triage'],
    ['//evil.example/desk', '/desk'],
    ['https://evil.example/desk', '/desk'],
    ['/desktop', '/desk'],
    ['/desk/\\evil', '/desk'],
    [undefined, '/desk'],
  ])('%s → %s', (next, expected) => expect(safeNextPath(next)).toBe(expected));
});

function view(over: Partial<TakedownView> = {}): TakedownView {
  return {
    id: 'takedown-x',
    brand: 'uoozee',
    policyVersion: '1',
    state: 'triage',
    regimes: ['dmca'],
    legalBasis: 'copyright',
    tier: 'standard',
    channel: 'public',
    notifierRole: 'attorney',
    roleVerified: false,
    items: [{ contentId: 'vid_1' }],
    claimedJurisdictions: ['US'],
    receivedAt: new Date(T0).toISOString(),
    intake: { route: 'triage', assessments: [] },
    informationRequested: null,
    reviewer: null,
    decisionDue: { dueAt: '2026-12-01T10:00:00.000Z', atRiskAt: '2026-12-01T09:30:00.000Z', status: 'on_track' },
    slaBreached: false,
    possibleMeasures: [],
    decision: null,
    decidedAt: null,
    complaintClosesAt: null,
    counterNoticeAt: null,
    restoreWindow: null,
    contentActions: [],
    communications: [],
    nextDeadlineAt: '2026-12-01T10:00:00.000Z',
    lastActionAt: new Date(T0).toISOString(),
    ...over,
  } as TakedownView;
}

describe('clocks at the time of reading', () => {
  it('counts as open every state someone may still act in before a deadline', () => {
    expect([...OPEN_STATES].sort()).toEqual(['applied', 'complaint_review', 'counter_notice_received', 'decided', 'in_review', 'needs_info', 'received', 'restore_pending', 'triage']);
  });

  it('marks the decision clock by now, not by the status stored at the last update', () => {
    const v = view(); // stored as on_track
    expect(decisionMark(v, Date.parse('2026-12-01T09:29:59Z'))).toBe('on_track');
    expect(decisionMark(v, Date.parse('2026-12-01T09:30:00Z'))).toBe('at_risk');
    expect(decisionMark(v, Date.parse('2026-12-01T10:00:00Z'))).toBe('overdue');
    expect(caseMark(v, Date.parse('2026-12-01T10:00:01Z'))).toBe('overdue');
    expect(decisionMark(view({ decidedAt: '2026-12-01T09:10:00Z' }), Date.parse('2026-12-01T11:00:00Z'))).toBe('none');
  });

  it('says what each clock means: "decision due", "restore window opens" (17 U.S.C. §512(g)(2)(C))', () => {
    const now = Date.parse('2026-12-01T09:05:00Z');
    expect(clocksOf(view(), [], now).map((c) => c.name)).toEqual(['Decision due']);
    const pending = view({ state: 'restore_pending', decidedAt: '2026-12-01T09:01:00Z', restoreWindow: { notBefore: '2026-12-15T09:00:00.000Z', notAfter: '2026-12-19T09:00:00.000Z' } });
    const clocks = clocksOf(pending, [], now);
    expect(clocks.map((c) => c.name)).toEqual(['Restore window opens', 'Restore window closes']);
    expect(clocks[0].meaning).toMatch(/unless the notifier reports a lawsuit/);
    expect(utc('2026-12-15T09:00:00.123Z')).toBe('2026-12-15 09:00:00 UTC');
  });

  it('says what is next and by when', () => {
    expect(nextStep(view())).toBe('Assign a reviewer; the decision is due by 2026-12-01 10:00:00 UTC (at risk from 2026-12-01 09:30:00 UTC).');
    expect(nextStep(view({ state: 'restore_pending', restoreWindow: { notBefore: '2026-12-15T09:00:00.000Z', notAfter: '2026-12-19T09:00:00.000Z' } }))).toBe(
      'The content is restored automatically from 2026-12-15 09:00:00 UTC unless the notifier reports a lawsuit.',
    );
    expect(nextStep(view({ state: 'restored' }))).toBe('Finished: notes only.');
  });
});

describe('forms: the API’s own validation', () => {
  it('offers the actions the state allows', () => {
    expect(offeredActions(view({ state: 'triage' }))).toEqual(['assign', 'request-info']);
    expect(offeredActions(view({ state: 'in_review' }))).toEqual(['assign', 'request-info', 'decide']);
    expect(offeredActions(view({ state: 'applied' }))).toEqual(['close', 'counter-notice']);
    expect(offeredActions(view({ state: 'applied', regimes: ['dsa'] }))).toEqual(['close', 'complaint']);
    expect(offeredActions(view({ state: 'complaint_review', regimes: ['dsa'] }))).toEqual(['uphold', 'reverse']);
  });

  it('turns form fields into the JSON body and refuses what the API refuses, naming the field', async () => {
    const decide = await validatedBody(DESK_ACTIONS.decide, {
      outcome: 'restrict',
      territorialScope: 'de, FR',
      ground: { kind: 'legal', reference: '§1', explanation: 'x' },
      explanation: 'facts',
      automatedDetection: 'true',
      automatedDecision: 'not_automated',
      endsAt: '',
    });
    expect(decide).toMatchObject({ outcome: 'restrict', territorialScope: ['de', 'FR'], ground: { kind: 'legal' }, automatedDetection: true });
    expect((decide as { endsAt?: string }).endsAt).toBeUndefined();
    const noAction = await validatedBody(DESK_ACTIONS.decide, { outcome: 'no_action', ground: { kind: 'legal', reference: '', explanation: '' }, explanation: 'nothing unlawful' });
    expect((noAction as { ground?: unknown }).ground).toBeUndefined();

    const refused = await validatedBody(DESK_ACTIONS['counter-notice'], { signature: '/S/', materialIdentification: 'vid_1', consentToJurisdiction: 'true', subscriber: { name: 'S', address: 'A', phone: '+1 555' } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Problem);
    expect((refused as Problem).extensions.errors).toEqual([{ field: 'goodFaithUnderPenaltyOfPerjury', message: 'goodFaithUnderPenaltyOfPerjury must be true (§512(g)(3)(C))' }]);
    const items = await validatedBody(DESK_ACTIONS.preserve, { authority: 'LKA 7', reference: 'R-1', items: 'vid_1\nhttps://uoozee.example/watch/vid_1\n' });
    expect(items).toMatchObject({ items: [{ contentId: 'vid_1' }, { url: 'https://uoozee.example/watch/vid_1' }] });
  });
});
