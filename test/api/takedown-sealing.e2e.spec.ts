import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createKey, testConfig, uniqueTaskQueue, useHttpStack } from '../support/harness';
import { httpClient } from '../support/http';
import { rawRowsText } from '../support/sealed-rows';
import { copyrightNotice } from '../support/takedowns';
import { waitFor } from '../support/wait-for';

/** Letters only: no digit run a card-number check could take for a card and redact. */
const letters = (n: number) => [...randomBytes(n)].map((b) => String.fromCharCode(97 + (b % 26))).join('');

/**
 * The takedown read model holds the notifier's data only sealed under the case's key: a marker
 * written through the API into every personal field (the notifier's name, e-mail, organisation,
 * the notice's prose and items, a decision's facts and ground, a note, a counter-notice forwarded
 * to the notifier) reads back through the API, is found in no row of the family's tables, and the
 * transparency report still counts the case — after its erasure too.
 */
describe('takedown read model: personal data sealed under the case key', () => {
  const config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('takedown-sealing') });
  const marker = `mrk${letters(12)}`;
  const email = `${marker}@example.org`;
  const stack = useHttpStack(config);
  let ds: DataSource;
  let http: ReturnType<typeof httpClient>;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    ds = stack.ds;
    http = httpClient(stack.api.baseUrl);
    keys.legal = await createKey(ds, 'legal', 'legal-ines');
    keys.agent = await createKey(ds, 'agent', 'agent-bo');
    keys.privacy = await createKey(ds, 'privacy', 'dpo-sealing');
  });

  /** The family's rows of the case, as a dump of the tables would hold them (lower-cased: e-mail addresses are). */
  const rawFamily = async (id: string): Promise<Record<string, string>> => ({
    takedowns: (await rawRowsText(ds, 'takedowns', 'id', [id])).toLowerCase(),
    takedown_events: (await rawRowsText(ds, 'takedown_events', 'case_id', [id])).toLowerCase(),
    takedown_communications: (await rawRowsText(ds, 'takedown_communications', 'case_id', [id])).toLowerCase(),
    content_actions: (await rawRowsText(ds, 'content_actions', 'case_id', [id])).toLowerCase(),
  });

  const liveReport = async (year: number) => {
    const r = await http('GET', `/v1/reports/transparency?year=${year}&source=live`, { key: keys.legal });
    expect(r.status).toBe(200);
    return r.body as { notices: number; byNotifierRole: Record<string, number>; byJurisdiction: Record<string, number>; byDecision: Record<string, number>; byMeasure: Record<string, number>; byGround: Record<string, number>; counterNotices: number };
  };

  it('a marker in every personal field reads back through the API, is in no row in clear, and the case still counts (after erasure too)', async () => {
    const year = new Date().getUTCFullYear();
    const before = await liveReport(year);

    const filed = await http('POST', '/v1/takedowns', {
      body: copyrightNotice({
        notifier: { name: `Jo ${marker}`, email, organisation: `Studio ${marker}`, role: 'attorney' },
        items: [{ contentId: `vid_${marker}`, url: `https://uoozee.example/watch/${marker}` }],
        explanation: `Our episode, uploaded without licence ${marker}`,
        statements: {
          identificationOfWork: `Example Show ${marker}`,
          infringingMaterial: `The episode re-uploaded as vid_${marker}`,
          goodFaith: true,
          accuracyUnderPenaltyOfPerjury: true,
          signature: `/Jo ${marker}/`,
          bonaFide: true,
        },
      }),
    });
    expect(filed.status).toBe(202);
    const id = filed.body.caseId as string;
    expect(new Date(filed.body.receivedAt as string).getUTCFullYear()).toBe(year);
    await waitFor(async () => (await http('GET', `/v1/takedowns/${id}`, { key: keys.legal })).body?.state === 'triage', { what: 'triage' });

    const path = (action: string) => `/v1/takedowns/${id}/${action}`;
    for (const [action, body] of [
      ['assign', { reviewer: 'legal-ines' }],
      ['note', { text: `Called the notifier ${marker}` }],
      ['decide', { outcome: 'remove', ground: { kind: 'legal', reference: '17 U.S.C. §106(3)', explanation: `Unlicensed ${marker}` }, explanation: `Matches the notified episode ${marker}` }],
      ['apply', {}],
      [
        'counter-notice',
        {
          signature: `/Sam ${marker}/`,
          materialIdentification: `vid_${marker}`,
          goodFaithUnderPenaltyOfPerjury: true,
          consentToJurisdiction: true,
          subscriber: { name: `Sam ${marker}`, address: `1 Main St ${marker}`, phone: '+1 217 555 0100' },
        },
      ],
    ] as const) {
      const res = await http('POST', path(action), { key: keys.legal, body });
      expect([action, res.status]).toEqual([action, 200]);
    }
    // Every record written: the counter-notice forwarded to the notifier, the items removed.
    await waitFor(async () => {
      const r = await http('GET', path('history'), { key: keys.legal });
      const types = (r.body.items as { type: string }[]).map((e) => e.type);
      return types.includes('forward_counter_notice') && types.filter((t) => t === 'communication_sent').length >= 2 && types.includes('content_action');
    }, { what: 'the counter-notice forwarded and recorded' });

    // (a) Through the API, opened: the notifier's contact, the notes, the history, the queue.
    const read = await http('GET', `/v1/takedowns/${id}`, { key: keys.legal });
    expect(read.body.notifier).toEqual({ name: `Jo ${marker}`, email, organisation: `Studio ${marker}`, role: 'attorney' });
    const history = await http('GET', path('history'), { key: keys.legal });
    const historyText = JSON.stringify(history.body);
    expect(historyText).toContain(`Called the notifier ${marker}`);
    expect(historyText).toContain(`Matches the notified episode ${marker}`);
    const notes = await http('GET', path('notes'), { key: keys.legal });
    expect(notes.body.items.map((n: { text: string }) => n.text)).toEqual([`Called the notifier ${marker}`]);
    const queue = await http('GET', '/v1/takedowns?assignee=legal-ines&limit=200', { key: keys.legal });
    const listed = (queue.body.items as { id: string; items: unknown; decision: { facts: string } | null }[]).find((t) => t.id === id);
    expect(listed).toMatchObject({ items: [{ contentId: `vid_${marker}` }], decision: { facts: `Matches the notified episode ${marker}` } });
    // Other roles read no notice at all (the role table): the opened contact goes to legal staff only.
    expect((await http('GET', `/v1/takedowns/${id}`, { key: keys.agent })).status).toBe(403);

    // (b) In the tables: sealed strings, never the marker or the notifier's address.
    const raw = await rawFamily(id);
    for (const [table, text] of Object.entries(raw)) {
      expect([table, text.includes('sealed:v1:')]).toEqual([table, true]);
      expect([table, text.includes(marker)]).toEqual([table, false]);
      expect([table, text.includes(email)]).toEqual([table, false]);
    }
    // What the report counts by stays in clear.
    const [row] = (await ds.query(`SELECT state, notifier_role, claimed_jurisdictions, outcome FROM takedowns WHERE id = $1`, [id])) as Record<string, unknown>[];
    expect(row).toMatchObject({ notifier_role: 'attorney', claimed_jurisdictions: ['US'], outcome: 'remove' });

    // A note recorded before sealing (plaintext) still reads, beside the sealed one.
    await ds.query(`INSERT INTO takedown_events (event_key, case_id, type, actor, occurred_at, data) VALUES ($1, $2, 'note', 'legal-omar', now(), $3)`, [
      `${id}:legacy-note`,
      id,
      JSON.stringify({ text: 'A note from before sealing' }),
    ]);
    const both = await http('GET', path('notes'), { key: keys.legal });
    expect(both.body.items.map((n: { text: string }) => n.text).sort()).toEqual([`Called the notifier ${marker}`, 'A note from before sealing'].sort());

    // (c) The transparency report counts the case by role, jurisdiction, decision, measure and ground.
    const expectCounted = (after: Awaited<ReturnType<typeof liveReport>>) => {
      expect(after.notices - before.notices).toBe(1);
      expect(after.byNotifierRole.attorney - before.byNotifierRole.attorney).toBe(1);
      expect(after.byJurisdiction.US - (before.byJurisdiction.US ?? 0)).toBe(1);
      expect(after.byDecision.remove - before.byDecision.remove).toBe(1);
      expect(after.byMeasure.remove - before.byMeasure.remove).toBe(1);
      expect(after.byGround.legal - before.byGround.legal).toBe(1);
      expect(after.counterNotices - before.counterNotices).toBe(1);
    };
    expectCounted(await liveReport(year));

    // Erasure destroys the case's key: the API reads "[erased]", and the case still counts the same.
    const erased = await http('POST', `/v1/privacy/subjects/${encodeURIComponent(email)}/erase`, { key: keys.privacy });
    expect(erased.status).toBe(201);
    expect(erased.body.caseIds).toEqual([id]);
    const after = await waitFor(async () => {
      const r = await http('GET', `/v1/takedowns/${id}`, { key: keys.legal });
      return r.status === 200 && !JSON.stringify(r.body).includes(marker) && r.body;
    }, { what: 'the case read without the marker after erasure' });
    expect(after.notifier?.email ?? null).not.toBe(email);
    expectCounted(await liveReport(year));
  });
});
