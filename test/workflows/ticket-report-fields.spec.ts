import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Activities } from '../../src/activities';
import { TICKET_REPORT_FIELD_BACKFILL } from '../../src/persistence/migrations/1765810000000-ticket-report-fields';
import type { TicketView } from '../../src/workflows/ticket/messages';
import { openDataSource, realActivities, testConfig } from '../support/harness';

/**
 * The ticket report columns (migration 1765810000000): the write layer fills them from the
 * workflow's view; rows written before them get category and received_at from their snapshot,
 * where it holds them in clear, and agree with what the write layer writes.
 */
describe('ticket report fields: the write layer and the backfill', () => {
  let ds: DataSource;
  let activities: Activities;
  const openedAt = '2026-01-05T10:00:00.000Z';
  const receivedAt = '2026-01-05T09:41:00.000Z';
  const COLUMNS = 'category, received_at, nps_score, root_cause_tags, preventable, handle_seconds';

  const view = (id: string, extra: Record<string, unknown>) =>
    ({
      id,
      brand: 'vivtone',
      channel: 'email',
      priority: 'S3',
      plan: 'basic',
      status: 'resolved',
      assignee: 'ann',
      subject: 'Export fails',
      description: 'CSV export times out.',
      customerRef: `cust-${id}`,
      policyVersion: 'test',
      openedAt,
      resolvedAt: openedAt,
      closedAt: null,
      slaBreached: false,
      atRisk: false,
      nextDeadlineAt: null,
      sla: {},
      slaHistory: [],
      escalations: [],
      agentReplies: 2,
      reopenCount: 0,
      firstContactResolution: true,
      csat: { score: 5, comment: null, at: openedAt },
      surveyClosesAt: null,
      troubleshooting: [],
      ...extra,
    }) as unknown as TicketView;
  const record = (v: TicketView) =>
    activities.recordTicketTransition({ view: v, requestHash: `h-${v.id}`, version: 1 }, { eventKey: `${v.id}:opened`, type: 'opened', actor: 'ann', occurredAt: openedAt, data: {}, seq: 1 });
  const read = async (id: string) => (await ds.query(`SELECT ${COLUMNS} FROM tickets WHERE id = $1`, [id]))[0] as Record<string, unknown>;
  /** category and received_at emptied, then filled by the migration's backfill for this row only. */
  const backfilled = async (id: string) => {
    await ds.query(`UPDATE tickets SET category = NULL, received_at = NULL WHERE id = $1`, [id]);
    await ds.query(`${TICKET_REPORT_FIELD_BACKFILL} WHERE id = $1`, [id]);
    return read(id);
  };

  beforeAll(async () => {
    const config = testConfig();
    ds = await openDataSource(config);
    activities = realActivities(config, ds);
  });
  afterAll(async () => {
    await ds?.destroy();
  });

  it("writes every report field from the view (001: 'CSAT, NPS, backlog by priority, and three RCA items'; 'AHT of 4–6 minutes')", async () => {
    const id = `ticket-rf-${randomUUID().slice(0, 8)}`;
    await record(
      view(id, {
        category: 'billing',
        receivedAt,
        nps: { score: 9, at: openedAt },
        rootCauseTags: ['documentation-gap', 'billing'],
        preventable: true,
        handleSeconds: 330,
      }),
    );
    const written = await read(id);
    expect(written).toEqual({
      category: 'billing',
      received_at: new Date(receivedAt),
      nps_score: 9,
      root_cause_tags: ['documentation-gap', 'billing'],
      preventable: true,
      handle_seconds: 330,
    });
    // The backfill reads the same category and receipt from the snapshot the write layer stored.
    expect(await backfilled(id)).toEqual(written);
  });

  it('a view recorded before the report facts existed: no NPS, no tags, no logged time; receipt = opening, category general', async () => {
    const id = `ticket-rf-${randomUUID().slice(0, 8)}`;
    await record(view(id, {}));
    const written = await read(id);
    expect(written).toEqual({ category: null, received_at: new Date(openedAt), nps_score: null, root_cause_tags: [], preventable: null, handle_seconds: 0 });
    // Its snapshot has neither: the view read 'general' and its clocks started when it opened.
    expect(await backfilled(id)).toMatchObject({ category: 'general', received_at: new Date(openedAt) });
  });

  it('leaves category NULL when the snapshot holds it sealed, and rejects what is no instant', async () => {
    const id = `ticket-rf-${randomUUID().slice(0, 8)}`;
    await record(view(id, { category: 'billing', receivedAt }));
    await ds.query(`UPDATE tickets SET snapshot = jsonb_set(jsonb_set(snapshot, '{category}', '"sealed:v1:abc"'), '{receivedAt}', '"last tuesday"') WHERE id = $1`, [id]);
    expect(await backfilled(id)).toMatchObject({ category: null, received_at: null });
  });

  it('refuses an NPS outside 0–10 and negative handle time at the database too', async () => {
    const id = `ticket-rf-${randomUUID().slice(0, 8)}`;
    await record(view(id, { category: 'general', receivedAt }));
    await expect(ds.query(`UPDATE tickets SET nps_score = 11 WHERE id = $1`, [id])).rejects.toThrow(/tickets_nps_score_range/);
    await expect(ds.query(`UPDATE tickets SET handle_seconds = -1 WHERE id = $1`, [id])).rejects.toThrow(/tickets_handle_seconds_nonnegative/);
  });
});
