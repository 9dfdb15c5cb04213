import { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { incidentWorkflow } from '../../src/workflows';
import { NOTE_PREVIEW_CHARS } from '../../src/workflows/incident/messages';
import { createKey, temporalClient, testConfig, uniqueTaskQueue, useHttpStack } from '../support/harness';
import { httpClient, HttpResult } from '../support/http';
import { manualIncidentInput } from '../support/incidents';
import { waitFor } from '../support/wait-for';

/**
 * An incident that has continued as new keeps answering over HTTP, and every note is served in
 * full from the read model (the view shows the last few, cut to a preview).
 */
describe('incident notes over HTTP, across continue-as-new', () => {
  const config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('incident-notes-e2e') });
  const stack = useHttpStack(config);
  let client: Client;
  let http: ReturnType<typeof httpClient>;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    client = await temporalClient(config);
    http = httpClient(stack.api.baseUrl);
    for (const role of ['agent', 'sre'] as const) keys[role] = await createKey(stack.ds, role);
  });
  afterAll(async () => {
    await client?.connection.close();
  });

  it('GET and actions keep working after the incident continued as new; GET /notes pages through every note in full', async () => {
    // Started through the client: only a test may give a run budget this small (4 updates a run).
    const id = `incident-${randomUUID().replace(/-/g, '').slice(0, 26)}`;
    const input = manualIncidentInput(id, { runLimits: { updates: 4 } });
    const started = await client.workflow.start(incidentWorkflow, { workflowId: id, taskQueue: config.TEMPORAL_TASK_QUEUE, args: [input] });
    expect((await http('GET', `/v1/incidents/${id}`, { key: keys.sre })).status).toBe(200);

    const texts = Array.from({ length: 12 }, (_, i) => (i === 3 ? `long ${'L'.repeat(2_000)}` : `note ${i} from the bridge`));
    for (const text of texts) {
      const res = await http('POST', `/v1/incidents/${id}/note`, { key: keys.agent, body: { text } });
      expect(res.status).toBe(200);
    }
    const runId = (await client.workflow.getHandle(id).describe()).runId;
    expect(runId).not.toBe(started.firstExecutionRunId); // the API has been talking to later runs

    // The latest run answers (a query slowed by a loaded machine falls back to the read model: asked again).
    const read = await waitFor(async () => {
      const r: HttpResult = await http('GET', `/v1/incidents/${id}`, { key: keys.sre });
      return r.status === 200 && r.headers.get('caseworks-source') === 'workflow' ? r : undefined;
    }, { what: 'GET answered by the latest run' });
    expect(read.body.notesTotal).toBe(12);
    expect((read.body.notes as { text: string }[]).map((n) => n.text)).toEqual(texts.map((t) => t.slice(0, NOTE_PREVIEW_CHARS)));
    expect((read.body.notes as { truncated?: boolean }[])[3].truncated).toBe(true);

    const acked = await http('POST', `/v1/incidents/${id}/acknowledge`, { key: keys.sre });
    expect(acked.status).toBe(200);
    expect(acked.body.status).toBe('acknowledged');

    // Every note in full, oldest first, five at a time (the records of the last run may still be on their way).
    const all = await waitFor(async () => {
      const items: { text: string; actor: string; seq: number | null }[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: HttpResult = await http('GET', `/v1/incidents/${id}/notes?limit=5${cursor ? `&cursor=${cursor}` : ''}`, { key: keys.agent });
        expect(res.status).toBe(200);
        items.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages++;
        if (res.body.total !== 12) return undefined;
      } while (cursor);
      return { items, pages };
    }, { what: 'all twelve notes in the read model' });
    expect(all.pages).toBe(3);
    expect(all.items.map((n) => n.text)).toEqual(texts);
    expect(all.items.every((n) => n.actor === 'test-agent')).toBe(true);
    const seqs = all.items.map((n) => n.seq!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    // The history reads in the workflow's order: opened first, the acknowledgement last.
    const events = await waitFor(async () => {
      const res = await http('GET', `/v1/incidents/${id}/events`, { key: keys.sre });
      return res.body.items.length === 14 ? (res.body.items as { type: string }[]) : undefined;
    }, { what: 'fourteen events' });
    expect(events.map((e) => e.type)).toEqual(['triggered', ...texts.map(() => 'note'), 'acknowledged']);

    const badCursor = await http('GET', `/v1/incidents/${id}/notes?cursor=bm90LWEtY3Vyc29y`, { key: keys.agent });
    expect(badCursor.status).toBe(400);
    expect(badCursor.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(badCursor.body.errors).toEqual([{ field: 'query:cursor', message: 'not a cursor this API issued' }]);
    expect((await http('GET', `/v1/incidents/${id}/notes?limit=0`, { key: keys.agent })).status).toBe(400);
    expect((await http('GET', `/v1/incidents/incident-${'0'.repeat(26)}/notes`, { key: keys.agent })).status).toBe(404);
  });
});
