import { temporal } from '@temporalio/proto';
import { takedownWorkflow } from '../../src/workflows';
import { useApiStack } from '../support/harness';
import { copyrightNotice, takedownInput } from '../support/takedowns';
import { waitFor } from '../support/wait-for';

const EventType = temporal.api.enums.v1.EventType;
const HOUR = 3_600_000;

/**
 * Issue 20 over HTTP: a takedown case that continued as new keeps answering GET and actions; its
 * view holds the latest notes and the count, `GET …/notes` pages through all of them.
 */
describe('takedown notes and a continued case over HTTP', () => {
  const stack = useApiStack({}, { label: 'takedown-notes-e2e', keys: { legal: ['legal', 'legal-ines'], agent: ['agent', 'agent-bo'] } });
  const http: typeof stack.http = (...args) => stack.http(...args);
  const { keys } = stack;

  it('GET, notes and actions keep working on a case after it continued as new; every note is paged from the read model', async () => {
    // The API never sets run limits: the case is started as intake would, with a budget of 3 updates a run.
    const base = takedownInput(copyrightNotice());
    const tiers = { safety: HOUR, trusted: HOUR, standard: HOUR };
    const input = { ...base, policy: { ...base.policy, clocks: { ...base.policy.clocks, decideWithinMs: { dmca: tiers, dsa: tiers, platform_terms: tiers } } }, runLimits: { updates: 3 } };
    const first = await stack.client.workflow.start(takedownWorkflow, { workflowId: input.caseId, taskQueue: stack.config.TEMPORAL_TASK_QUEUE, args: [input] });
    const id = input.caseId;
    await waitFor(async () => {
      const r = await http('GET', `/v1/takedowns/${id}`, { key: keys.legal });
      return r.status === 200 && r.body.state === 'triage';
    }, { what: 'triage' });

    const texts = Array.from({ length: 8 }, (_, i) => `Note ${i + 1}: ${'x'.repeat(i === 7 ? 700 : 10)}`);
    for (const text of texts) {
      const res = await http('POST', `/v1/takedowns/${id}/note`, { key: keys.legal, body: { text } });
      expect(res.status).toBe(200);
    }
    const describe = await stack.client.workflow.getHandle(id).describe();
    expect(describe.runId).not.toBe(first.firstExecutionRunId);
    const firstRun = (await stack.client.workflow.getHandle(id, first.firstExecutionRunId).fetchHistory()).events ?? [];
    expect(firstRun[firstRun.length - 1].eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);

    // GET follows the latest run: the latest 5 notes (each cut to 500 characters) and the count.
    const got = await http('GET', `/v1/takedowns/${id}`, { key: keys.legal });
    expect(got.status).toBe(200);
    expect(got.headers.get('caseworks-source')).toBe('workflow');
    expect(got.body).toMatchObject({ state: 'triage', notesTotal: 8, notesTruncated: true, notifier: { name: 'Jane Roe' } });
    expect(got.body.notes.map((n: { text: string }) => n.text)).toEqual([...texts.slice(3, 7), texts[7].slice(0, 500)]);
    expect(got.body.notes[4]).toMatchObject({ actor: 'legal-ines', truncated: true });

    // Every note in full, oldest first, three a page.
    const paged: { actor: string; text: string; seq: number | null }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '?limit=3' : `?limit=3&cursor=${encodeURIComponent(cursor)}`;
      const page = await waitFor(async () => {
        const r = await http('GET', `/v1/takedowns/${id}/notes${query}`, { key: keys.legal });
        // The last note's record may still be on its way: the first page waits for the full count.
        return r.status === 200 && r.body.total === 8 ? r : undefined;
      }, { what: 'notes page' });
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(paged.map((n) => n.text)).toEqual(texts);
    const seqs = paged.map((n) => n.seq!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(8);

    const bad = await http('GET', `/v1/takedowns/${id}/notes?cursor=not-ours`, { key: keys.legal });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('query:cursor');
    expect((await http('GET', `/v1/takedowns/${id}/notes`, { key: keys.agent })).status).toBe(403);
    expect((await http('GET', `/v1/takedowns/takedown-${'0'.repeat(26)}/notes`, { key: keys.legal })).status).toBe(404);

    // Actions on the continued case.
    expect((await http('POST', `/v1/takedowns/${id}/assign`, { key: keys.legal, body: { reviewer: 'legal-ines' } })).body.state).toBe('in_review');
    const decision = { outcome: 'remove', ground: { kind: 'legal', reference: '17 U.S.C. §106(3)', explanation: 'Unlicensed distribution.' }, explanation: 'Matches the notified episode.' };
    const decided = await http('POST', `/v1/takedowns/${id}/decide`, { key: keys.legal, body: decision });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ state: 'decided', notesTotal: 8 });

    // The history shows the case's numbering, one number per change.
    const history = await waitFor(async () => {
      const r = await http('GET', `/v1/takedowns/${id}/history`, { key: keys.legal });
      return r.status === 200 && r.body.items.some((e: { type: string }) => e.type === 'decide') ? r.body.items : undefined;
    }, { what: 'the decision in the history' });
    const numbered = history.map((e: { seq: number | null }) => e.seq).filter((s: number | null) => s !== null);
    expect(numbered).toHaveLength(history.length);
    expect(new Set(numbered).size).toBe(history.length);
  });
});
