import { randomUUID } from 'node:crypto';
import { startApi, testConfig, useApiStack } from '../support/harness';
import { httpClient } from '../support/http';
import { storeTransparencySnapshot } from '../../src/persistence/takedown-transparency';
import { copyrightNotice } from '../support/takedowns';
import { waitFor } from '../support/wait-for';

/** Takedown notices over HTTP: the public form, partners with a key, legal staff's work, the yearly report. */
describe('takedowns over HTTP', () => {
  const stack = useApiStack({}, { label: 'takedowns-e2e', keys: { legal: ['legal', 'legal-ines'], legal2: ['legal', 'legal-omar'], agent: ['agent', 'agent-bo'], partner: ['client', 'partner-studio'], admin: ['admin', 'admin-root'] } });
  const http: typeof stack.http = (...args) => stack.http(...args);
  const { keys } = stack;

  const stateOf = (id: string, state: string) =>
    waitFor(async () => {
      const r = await http('GET', `/v1/takedowns/${id}`, { key: keys.legal });
      return r.status === 200 && r.body.state === state ? r.body : undefined;
    }, { what: `${id} in ${state}` });

  it('public intake: no key, a receipt with the case ID and the time received; legal staff see the case', async () => {
    const before = Date.now();
    const res = await http('POST', '/v1/takedowns', { body: copyrightNotice() });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'triage', regimes: ['dmca'], missing: [] });
    expect(res.body.caseId).toMatch(/^takedown-[a-z0-9]{26}$/);
    expect(Date.parse(res.body.receivedAt)).toBeGreaterThanOrEqual(before - 5);
    const takedown = await stateOf(res.body.caseId, 'triage');
    expect(takedown).toMatchObject({ channel: 'public', legalBasis: 'copyright', tier: 'standard', notifier: { name: 'Jane Roe', email: 'jane@studio.example' } });
    expect(takedown.decisionDue.status).toBe('on_track');
  });

  it('an incomplete DMCA notice goes to needs_info, naming the missing fields', async () => {
    const notice = copyrightNotice();
    delete notice.statements!.goodFaith;
    delete notice.statements!.signature;
    const res = await http('POST', '/v1/takedowns', { body: notice });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('needs_info');
    expect([...res.body.missing].sort()).toEqual(['statements.goodFaith', 'statements.signature']);
    expect(res.body.reason).toMatch(/512\(c\)\(3\)\(B\)\(ii\)/);
    const takedown = await stateOf(res.body.caseId, 'needs_info');
    expect(takedown.informationRequested.missing.sort()).toEqual(['statements.goodFaith', 'statements.signature']);
  });

  it('a grossly invalid notice is rejected with the reason, and still recorded', async () => {
    const notice = copyrightNotice();
    delete notice.statements!.identificationOfWork;
    const res = await http('POST', '/v1/takedowns', { body: notice });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('rejected');
    expect(res.body.reason).toMatch(/does not substantially comply/);
    expect(res.body.missing).toContain('statements.identificationOfWork');
    const history = await waitFor(async () => {
      const r = await http('GET', `/v1/takedowns/${res.body.caseId}/history`, { key: keys.legal });
      return (r.body.items as { type: string }[] | undefined)?.some((e) => e.type === 'reject') ? (r.body.items as { type: string; actor: string; data: { reason: string } }[]) : undefined;
    }, { what: 'reject in the history' });
    expect(history.find((e) => e.type === 'reject')).toMatchObject({ actor: 'system', data: { reason: expect.stringMatching(/substantially comply/) } });
  });

  it('a malformed notice is a 400 naming each field', async () => {
    const res = await http('POST', '/v1/takedowns', { body: { ...copyrightNotice({ claimedJurisdictions: ['UK'], items: [{ url: 'ftp://x' }] }), colour: 'red' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const fields = (res.body.errors as { field: string; message: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['claimedJurisdictions.0', 'colour', 'items.0.url']);
    expect(res.body.errors.find((e: { field: string }) => e.field === 'claimedJurisdictions.0').message).toMatch(/use GB/);
    // Contact details are required unless the notice reports child sexual abuse (DSA Art. 16(2)(c)).
    const anonymous = await http('POST', '/v1/takedowns', { body: copyrightNotice({ notifier: { role: 'rights_holder' } }) });
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.errors.map((e: { field: string }) => e.field)).toEqual(['notifier.name', 'notifier.email']);
  });

  it('partners file with their key; the same Idempotency-Key returns the same receipt', async () => {
    const body = copyrightNotice({ notifier: { name: 'Flag Org', email: 'notices@flag.example', role: 'trusted_flagger' }, legalBasis: 'eu_illegal_content', claimedJurisdictions: ['FR'] });
    const key = `flag-${Date.now()}`;
    const first = await http('POST', '/v1/takedowns', { key: keys.partner, body, headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(202);
    const replay = await http('POST', '/v1/takedowns', { key: keys.partner, body, headers: { 'Idempotency-Key': key } });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    const other = await http('POST', '/v1/takedowns', { key: keys.partner, body, headers: { 'Idempotency-Key': `${key}-2` } });
    expect(other.status).toBe(202);
    expect(other.body.caseId).not.toBe(first.body.caseId);
    const takedown = await stateOf(first.body.caseId, 'triage');
    expect(takedown).toMatchObject({ channel: 'partner', roleVerified: true, tier: 'trusted', regimes: ['dsa'] });
    const bad = await http('POST', '/v1/takedowns', { key: 'cw_not-a-real-key', body });
    expect(bad.status).toBe(401);
  });

  it('legal staff walk a case; other roles get 403, an action out of order a 409 naming the state; the history has every actor and time', async () => {
    const filed = await http('POST', '/v1/takedowns', { body: copyrightNotice() });
    const id = filed.body.caseId as string;
    await stateOf(id, 'triage');
    const path = (action: string) => `/v1/takedowns/${id}/${action}`;

    const early = await http('POST', path('apply'), { key: keys.legal, body: {} });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ state: 'triage', action: 'apply' });

    const decision = { outcome: 'remove', ground: { kind: 'legal', reference: '17 U.S.C. §106(3)', explanation: 'Unlicensed distribution.' }, explanation: 'Matches the notified episode.' };
    expect((await http('POST', path('decide'), { key: keys.agent, body: decision })).status).toBe(403);
    expect((await http('GET', `/v1/takedowns/${id}`, { key: keys.agent })).status).toBe(403);
    const admin = await http('POST', path('assign'), { key: keys.admin, body: { reviewer: 'admin-root' } });
    expect(admin.status).toBe(403); // admins are not legal staff: the role table (the case's own rule refuses them too)
    expect(admin.body.detail).toMatch(/roles: legal$/);

    const badDecision = await http('POST', path('decide'), { key: keys.legal, body: { outcome: 'restrict', explanation: 'x', ground: decision.ground } });
    expect(badDecision.status).toBe(400);
    expect(badDecision.body.errors[0].field).toBe('territorialScope');

    for (const [action, body] of [
      ['assign', { reviewer: 'legal-ines' }],
      ['decide', decision],
      ['apply', {}],
      ['close', undefined],
    ] as const) {
      const res = await http('POST', path(action), { key: keys.legal, body });
      expect([action, res.status]).toEqual([action, 200]);
    }
    const closed = await http('GET', `/v1/takedowns/${id}`, { key: keys.legal });
    expect(closed.body).toMatchObject({ state: 'closed', reviewer: 'legal-ines', decision: { outcome: 'remove', by: 'legal-ines' } });
    expect(closed.body.contentActions.map((a: { action: string }) => a.action)).toEqual(['remove']);

    const history = await waitFor(async () => {
      const r = await http('GET', `/v1/takedowns/${id}/history`, { key: keys.legal });
      return (r.body.items as { type: string }[]).some((e) => e.type === 'close') ? (r.body.items as { type: string; actor: string; occurredAt: string }[]) : undefined;
    }, { what: 'close in the history' });
    const actions = history.filter((e) => ['assign', 'decide', 'apply', 'close'].includes(e.type));
    expect(actions.map((e) => [e.type, e.actor])).toEqual([
      ['assign', 'legal-ines'],
      ['decide', 'legal-ines'],
      ['apply', 'legal-ines'],
      ['close', 'legal-ines'],
    ]);
    expect(history.every((e) => !Number.isNaN(Date.parse(e.occurredAt)))).toBe(true);
    expect(history.map((e) => e.type)).toEqual(expect.arrayContaining(['received', 'accept', 'communication_sent', 'content_action']));
    expect(JSON.stringify(history)).not.toMatch(/Jane Roe|jane@studio/);

    const queue = await http('GET', '/v1/takedowns?status=closed&assignee=legal-ines', { key: keys.legal });
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((t: { id: string }) => t.id)).toContain(id);
  });

  it('the transparency report counts a seeded year exactly (JSON and CSV), for legal staff only', async () => {
    const day = 86_400_000;
    const at = (m: number, d: number) => new Date(Date.UTC(2019, m - 1, d, 12));
    // legal basis, regimes, state now, outcome, days from receipt to decision; claimed countries,
    // notifier role, decided measure and ground (as the case view has them), content actions taken
    type Seed = [string, string[], string, string | null, number | null, string[], string, string | null, string | null, string[]];
    const seed: Seed[] = [
      ['copyright', ['dmca'], 'closed', 'remove', 2, ['US'], 'rights_holder', 'global_removal', 'legal', ['remove']],
      ['copyright', ['dmca'], 'restored', 'remove', 4, ['US'], 'agent', 'global_removal', 'legal', ['remove', 'restore']],
      ['copyright', ['dmca'], 'kept', 'restrict', 6, ['US'], 'attorney', 'geo_restriction', 'legal', ['geo_restrict']],
      ['copyright', ['dmca'], 'rejected', null, null, ['US'], 'rights_holder', null, null, []],
      ['eu_illegal_content', ['dsa'], 'reversed', 'restrict', 1, ['DE', 'FR'], 'trusted_flagger', 'geo_restriction', 'contractual', ['geo_restrict', 'restore']],
      ['eu_illegal_content', ['dsa'], 'upheld', 'no_action', 3, ['DE'], 'rights_holder', 'no_action', 'legal', []],
      // Escalated to safety: counted by the measure it took (removal) and its ground.
      ['child_safety', ['dsa', 'platform_terms'], 'applied', 'escalate_safety', 1, ['DE', 'GB'], 'authority', 'global_removal', 'legal', ['remove']],
      ['defamation', ['platform_terms'], 'lapsed', null, null, ['GB'], 'attorney', null, null, []],
      ['trademark', ['platform_terms'], 'in_review', null, null, ['JP'], 'agent', null, null, []],
    ];
    for (const [i, [basis, regimes, state, outcome, days, countries, role, measure, ground, actions]] of seed.entries()) {
      const received = at(3, 1 + i);
      const snapshot = { claimedJurisdictions: countries, notifierRole: role, decision: measure === null ? null : { outcome, measure: { kind: measure }, ground: { kind: ground } } };
      await stack.ds.query(
        `INSERT INTO takedowns (id, brand, state, regimes, legal_basis, tier, channel, received_at, decided_at, outcome, snapshot, updated_at)
         VALUES ($1, 'uoozee', $2, $3, $4, 'standard', 'public', $5, $6, $7, $8, now())`,
        [`seed-2019-${i}`, state, regimes, basis, received, days === null ? null : new Date(received.getTime() + days * day), outcome, JSON.stringify(snapshot)],
      );
      for (const action of actions) {
        // Two items each: a case counts once per measure, however many items it had.
        for (const item of [0, 1]) {
          await stack.ds.query(`INSERT INTO content_actions (action_key, case_id, action, item, applied_at) VALUES ($1, $2, $3, '{}', now())`, [`seed-2019-${i}:${action}:item:${item}`, `seed-2019-${i}`, action]);
        }
      }
    }
    // An action started but never applied (the platform did not answer): not counted.
    await stack.ds.query(`INSERT INTO content_actions (action_key, case_id, action, item) VALUES ('seed-2019-0:restore:item:0', 'seed-2019-0', 'restore', '{}')`);
    // A threat to life: the legal on-call was paged at intake (counted apart from escalate_safety decisions).
    await stack.ds.query(
      `INSERT INTO takedowns (id, brand, state, regimes, legal_basis, tier, channel, received_at, snapshot, updated_at)
       VALUES ('seed-2019-9', 'uoozee', 'triage', '{platform_terms}', 'threat_to_life_or_safety', 'safety', 'public', $1, '{}', now())`,
      [at(4, 1)],
    );
    await stack.ds.query(
      `INSERT INTO takedown_events (event_key, case_id, type, actor, occurred_at, data)
       VALUES ('seed-2019-9:page:legal-oncall:recorded', 'seed-2019-9', 'legal_oncall_paged', 'system', $1, '{}')`,
      [at(4, 1)],
    );
    // Authorities' preservation requests, counted by the year they came: two in 2019 (one extended), one in 2020.
    for (const [id, requested, extended] of [
      ['hold-2019-a', at(5, 1), null],
      ['hold-2019-b', at(12, 31), new Date(Date.UTC(2020, 2, 1))],
      ['hold-2020-a', new Date(Date.UTC(2020, 0, 1)), null],
    ] as const) {
      await stack.ds.query(
        `INSERT INTO takedown_preservations (id, case_id, brand, state, authority, reference, requested_by, requested_at, expires_at, extended_at, snapshot, updated_at)
         VALUES ($1, 'seed-2019-6', 'uoozee', 'released', 'Authority', $1, 'legal-ines', $2, $3, $4, '{}', now())`,
        [id, requested, new Date(requested.getTime() + 90 * day), extended],
      );
    }
    // Outside the year: not counted.
    await stack.ds.query(
      `INSERT INTO takedowns (id, brand, state, regimes, legal_basis, tier, channel, received_at, snapshot, updated_at)
       VALUES ('seed-2020-0', 'uoozee', 'triage', '{dmca}', 'copyright', 'standard', 'public', '2020-01-01T00:00:00Z', '{}', now())`,
    );

    const res = await http('GET', '/v1/reports/transparency?year=2019', { key: keys.legal });
    expect(res.status).toBe(200);
    expect(res.headers.get('caseworks-source')).toBe('live');
    expect(res.body).toEqual({
      year: 2019,
      notices: 10,
      byLegalBasis: { copyright: 4, eu_illegal_content: 2, trademark: 1, defamation: 1, privacy: 0, child_safety: 1, threat_to_life_or_safety: 1 },
      byRegime: { dmca: 4, dsa: 3, platform_terms: 4 },
      byDecision: { remove: 2, restrict: 2, no_action: 1, escalate_safety: 1 },
      // seed-2019-9 (the paged threat) has no snapshot fields: its country and role are unknown.
      byJurisdiction: { DE: 3, FR: 1, GB: 2, JP: 1, US: 4, unknown: 1 },
      byNotifierRole: { rights_holder: 3, agent: 2, attorney: 2, trusted_flagger: 1, authority: 1, unknown: 1 },
      byMeasure: { remove: 3, geo_restrict: 2, restore: 2, no_action: 1 },
      byGround: { legal: 4, contractual: 1 },
      rejected: 1,
      lapsed: 1,
      undecided: 2,
      // Decision times 1, 1, 2, 3, 4, 6 days: median (2 + 3) / 2; p90 the ⌈5.4⌉ = 6th, 6 days.
      medianTimeToDecisionMs: 2.5 * day,
      p90TimeToDecisionMs: 6 * day,
      safetyEscalations: 1,
      legalOnCallPages: 1,
      counterNotices: 2,
      restoredAfterCounterNotice: 1,
      keptAfterCourtAction: 1,
      retentionRequests: 2,
      retentionExtensions: 1,
      complaints: { received: 2, upheld: 1, reversed: 1 },
      source: 'live',
      generatedAt: expect.any(String),
    });
    const csv = await http('GET', '/v1/reports/transparency?year=2019&format=csv', { key: keys.legal });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.body).toContain('notices,,10\n');
    expect(csv.body).toContain(`medianTimeToDecisionMs,,${2.5 * day}\np90TimeToDecisionMs,,${6 * day}\n`);
    expect(csv.body).toContain('retentionRequests,,2\n');
    expect(csv.body).toContain('complaints,reversed,1\n');
    expect(csv.body).toContain('byJurisdiction,DE,3\nbyJurisdiction,FR,1\nbyJurisdiction,GB,2\nbyJurisdiction,JP,1\nbyJurisdiction,US,4\nbyJurisdiction,unknown,1\n');
    expect(csv.body).toContain('byNotifierRole,rights_holder,3\nbyNotifierRole,agent,2\nbyNotifierRole,attorney,2\nbyNotifierRole,trusted_flagger,1\nbyNotifierRole,authority,1\nbyNotifierRole,unknown,1\n');
    expect(csv.body).toContain('byMeasure,remove,3\nbyMeasure,geo_restrict,2\nbyMeasure,restore,2\nbyMeasure,no_action,1\n');
    expect(csv.body).toContain('byGround,legal,4\nbyGround,contractual,1\n');
    expect(csv.body).toContain('source,,live\n');

    // Once the yearly schedule stored a snapshot, it is served (and says so); ?source=live recomputes.
    await storeTransparencySnapshot(stack.ds, { ...res.body, notices: 999, source: undefined, generatedAt: undefined }, 'transparency-report-test');
    const snap = await http('GET', '/v1/reports/transparency?year=2019', { key: keys.legal });
    expect([snap.headers.get('caseworks-source'), snap.body.source, snap.body.notices]).toEqual(['snapshot', 'snapshot', 999]);
    expect(Date.parse(snap.body.generatedAt)).not.toBeNaN();
    const live = await http('GET', '/v1/reports/transparency?year=2019&source=live', { key: keys.legal });
    expect([live.body.source, live.body.notices]).toEqual(['live', 10]);
    expect((await http('GET', '/v1/reports/transparency?year=2018&source=snapshot', { key: keys.legal })).status).toBe(404);
    expect((await http('GET', '/v1/reports/transparency?year=2019', { key: keys.agent })).status).toBe(403);
    const bad = await http('GET', '/v1/reports/transparency?year=last', { key: keys.legal });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('query:year');
  });

  it('legal staff record an authority’s preservation request and extend it once; a second extension is a 409 naming the state', async () => {
    const filed = await http('POST', '/v1/takedowns', { body: copyrightNotice() });
    const id = filed.body.caseId as string;
    await stateOf(id, 'triage');
    const request = { authority: 'Polizei Berlin, LKA 7', reference: `LKA7-${randomUUID().replace(/\d/g, 'x')}` /* no digit run a card check could take for a card number */, items: [{ contentId: 'vid_123' }] };
    const path = `/v1/takedowns/${id}/preservations`;

    expect((await http('POST', path, { key: keys.agent, body: request })).status).toBe(403);
    const admin = await http('POST', path, { key: keys.admin, body: request });
    expect(admin.status).toBe(403);
    expect(admin.body.detail).toMatch(/roles: legal$/);
    const bad = await http('POST', path, { key: keys.legal, body: { ...request, items: [{}], authority: '' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('authority');
    const noItem = await http('POST', path, { key: keys.legal, body: { ...request, items: [{}] } });
    expect([noItem.status, noItem.body.errors[0].field]).toEqual([400, 'items.0']);
    expect((await http('POST', `/v1/takedowns/takedown-${'0'.repeat(26)}/preservations`, { key: keys.legal, body: request })).status).toBe(404);

    const held = await http('POST', path, { key: keys.legal, body: request });
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ caseId: id, state: 'held', authority: request.authority, requestedBy: 'legal-ines' });
    const holdId = held.body.id as string;
    expect(Date.parse(held.body.expiresAt) - Date.parse(held.body.requestedAt)).toBe(4_000); // the test pack's 4 s (shipped: 90 days)
    const replay = await http('POST', path, { key: keys.legal, body: request });
    expect([replay.status, replay.headers.get('idempotent-replayed'), replay.body.id]).toEqual([200, 'true', holdId]);

    const extend = `${path}/${holdId}/extend`;
    expect((await http('POST', extend, { key: keys.agent, body: {} })).status).toBe(403);
    const extended = await http('POST', extend, { key: keys.legal, body: { reference: 'renewed' } });
    expect(extended.status).toBe(200);
    expect(extended.body).toMatchObject({ state: 'extended', extension: { by: 'legal-ines', reference: 'renewed' } });
    expect(Date.parse(extended.body.expiresAt) - Date.parse(held.body.expiresAt)).toBe(4_000);
    const twice = await http('POST', extend, { key: keys.legal, body: {} });
    expect(twice.status).toBe(409);
    expect(twice.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(twice.body).toMatchObject({ state: 'extended', action: 'extend' });

    const takedown = await http('GET', `/v1/takedowns/${id}`, { key: keys.legal });
    expect(takedown.body.preservations.map((p: { id: string }) => p.id)).toEqual([holdId]);
    // At expiry the hold is released by the system and recorded in the case history; extending then names that state.
    const history = await waitFor(async () => {
      const r = await http('GET', `/v1/takedowns/${id}/history`, { key: keys.legal });
      const items = r.body.items as { type: string; actor: string; occurredAt: string }[];
      return items.some((e) => e.type === 'preservation_released') ? items : undefined;
    }, { what: 'the hold released in the case history' });
    const hold = history.filter((e) => e.type.startsWith('preservation_'));
    expect(hold.filter((e) => e.type !== 'preservation_reminder').map((e) => [e.type, e.actor])).toEqual([
      ['preservation_requested', 'legal-ines'],
      ['preservation_extended', 'legal-ines'],
      ['preservation_released', 'system'],
    ]);
    // The two reminders of the extended expiry (the workflow test checks them exactly).
    expect(hold.filter((e) => e.type === 'preservation_reminder' && e.actor === 'system').length).toBeGreaterThanOrEqual(2);
    const late = await waitFor(async () => {
      const r = await http('POST', extend, { key: keys.legal, body: {} });
      return r.status === 409 && r.body.state === 'released' ? r : undefined;
    }, { what: 'extend after release refused naming released' });
    expect(late.body.action).toBe('extend');
    const listed = await http('GET', path, { key: keys.legal });
    expect(listed.body.items).toMatchObject([{ id: holdId, state: 'released' }]);
  });

  it('a complaint is reviewed by someone other than the decider: the decider gets a 409 naming the reason', async () => {
    const notice = copyrightNotice({ legalBasis: 'eu_illegal_content', claimedJurisdictions: ['DE'], notifier: { name: 'Max Muster', email: 'max@example.de', role: 'rights_holder' } });
    const filed = await http('POST', '/v1/takedowns', { body: notice });
    const id = filed.body.caseId as string;
    await stateOf(id, 'triage');
    const path = (action: string) => `/v1/takedowns/${id}/${action}`;
    const decision = { outcome: 'remove', ground: { kind: 'legal', reference: '§ 130 StGB', explanation: 'Incitement to hatred.' }, explanation: 'The clip calls for violence against a group.' };
    for (const [action, body] of [
      ['assign', { reviewer: 'legal-ines' }],
      ['decide', decision],
      ['apply', {}],
      ['complaint', { by: 'uploader', grounds: 'It is satire.' }],
    ] as const) {
      const res = await http('POST', path(action), { key: keys.legal, body });
      expect([action, res.status]).toEqual([action, 200]);
    }
    for (const action of ['uphold', 'reverse']) {
      const own = await http('POST', path(action), { key: keys.legal, body: { reasons: 'I stand by my decision.' } });
      expect(own.status).toBe(409);
      expect(own.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(own.body).toMatchObject({ state: 'complaint_review', action, reason: expect.stringMatching(/legal-ines decided this case; a complaint is reviewed by a different person/) });
    }
    const upheld = await http('POST', path('uphold'), { key: keys.legal2, body: { reasons: 'Read in context it still incites.' } });
    expect(upheld.status).toBe(200);
    expect(upheld.body.state).toBe('upheld');
    const history = await waitFor(async () => {
      const r = await http('GET', `/v1/takedowns/${id}/history`, { key: keys.legal });
      return (r.body.items as { type: string }[]).some((e) => e.type === 'uphold') ? (r.body.items as { type: string; actor: string }[]) : undefined;
    }, { what: 'uphold in the history' });
    expect(history.filter((e) => ['decide', 'uphold'].includes(e.type)).map((e) => [e.type, e.actor])).toEqual([
      ['decide', 'legal-ines'],
      ['uphold', 'legal-omar'],
    ]);
  });

  it('the case history is append-only in the database: UPDATE and DELETE of takedown_events are refused', async () => {
    const key = `append-only-${Date.now()}`;
    await stack.ds.query(`INSERT INTO takedown_events (event_key, case_id, type, actor, occurred_at, data) VALUES ($1, 'seed-append-only', 'note', 'legal-ines', now(), '{"text":"original"}')`, [key]);
    await expect(stack.ds.query(`UPDATE takedown_events SET actor = 'someone-else' WHERE event_key = $1`, [key])).rejects.toThrow(/takedown_events is append-only/);
    await expect(stack.ds.query(`DELETE FROM takedown_events WHERE event_key = $1`, [key])).rejects.toThrow(/takedown_events is append-only/);
    // Recording an event again (as a retried activity does) still inserts nothing and changes nothing.
    const again: unknown[] = await stack.ds.query(
      `INSERT INTO takedown_events (event_key, case_id, type, actor, occurred_at, data) VALUES ($1, 'seed-append-only', 'note', 'x', now(), '{}') ON CONFLICT (event_key) DO NOTHING RETURNING id`,
      [key],
    );
    expect(again).toEqual([]);
    const rows: { actor: string; data: { text: string } }[] = await stack.ds.query(`SELECT actor, data FROM takedown_events WHERE event_key = $1`, [key]);
    expect(rows).toEqual([{ actor: 'legal-ines', data: { text: 'original' } }]);
  });

  it('the public form has its own, tighter rate limit; partners with a key are not held to it', async () => {
    const strict = await startApi(testConfig({ TEMPORAL_TASK_QUEUE: stack.config.TEMPORAL_TASK_QUEUE, TAKEDOWN_INTAKE_RATE_LIMIT_PER_MINUTE: '2' }));
    try {
      const call = httpClient(strict.baseUrl);
      // Malformed bodies: the limit counts requests, and nothing is started.
      expect((await call('POST', '/v1/takedowns', { body: {} })).status).toBe(400);
      expect((await call('POST', '/v1/takedowns', { body: {} })).status).toBe(400);
      const limited = await call('POST', '/v1/takedowns', { body: {} });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await call('POST', '/v1/takedowns', { key: keys.partner, body: {} })).status).toBe(400);
    } finally {
      await strict.stop();
    }
  });
});
