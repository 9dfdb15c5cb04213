import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { type CaseTables, type StoredEvent, writeCaseRecords } from '../../src/persistence/read-model/case-records';
import { openDataSource, testConfig } from '../support/harness';

/**
 * The one writer under every case kind's record, on the real database, against a pair of tables of
 * its own (the kinds' tables and their version guard are read-model-versions.spec's). A record is
 * one statement: what it reports, the order its events are stored in, and that a failure of any part
 * stores nothing.
 */
describe('writeCaseRecords', () => {
  let ds: DataSource;
  const suffix = randomUUID().slice(0, 8);
  const tables: CaseTables = {
    table: `crw_cases_${suffix}`,
    fixedColumns: ['opened_by'],
    events: { table: `crw_events_${suffix}`, caseColumn: 'case_id' },
  };
  const at = new Date(Date.UTC(2026, 0, 5, 10, 0, 0));
  const row = (id: string, state: string, version: number | null) => ({ id, opened_by: `opener-${state}`, state, updated_at: at, version: version === null ? null : String(version) });
  const event = (caseId: string, step: string, seq: number | null = null): StoredEvent => ({
    eventKey: `${caseId}:${step}`,
    caseId,
    type: step,
    actor: 'agent-crw',
    occurredAt: at,
    data: { step },
    seq,
  });
  async function stored(id: string) {
    const [caseRow]: { state: string; opened_by: string; version: string | null }[] = await ds.query(`SELECT state, opened_by, version FROM ${tables.table} WHERE id = $1`, [id]);
    const events: { event_key: string; data: { step: string }; seq: string | null }[] = await ds.query(
      `SELECT event_key, data, seq FROM ${tables.events.table} WHERE case_id = $1 ORDER BY id`,
      [id],
    );
    return { caseRow, events };
  }

  beforeAll(async () => {
    ds = await openDataSource(testConfig());
    await ds.query(`CREATE TABLE ${tables.table} (id text PRIMARY KEY, opened_by text NOT NULL, state text NOT NULL, updated_at timestamptz NOT NULL, version bigint)`);
    await ds.query(
      `CREATE TABLE ${tables.events.table} (id bigserial PRIMARY KEY, event_key text NOT NULL UNIQUE, case_id text NOT NULL, type text NOT NULL,
         actor text NOT NULL, occurred_at timestamptz NOT NULL, data jsonb NOT NULL, seq bigint)`,
    );
  });
  afterAll(async () => {
    await ds?.query(`DROP TABLE IF EXISTS ${tables.table}, ${tables.events.table}`);
    await ds?.destroy();
  });

  it('stores the row and its events in the order given, and a retry stores and reports nothing again', async () => {
    const id = `c-${randomUUID()}`;
    const events = ['opened', 'triaged', 'assigned'].map((s, i) => event(id, s, i + 1));

    const first = await writeCaseRecords(ds, tables, row(id, 'assigned', 3), events);
    expect(first).toEqual({ snapshotWritten: true, eventsRecorded: 3, recordedEventKeys: events.map((e) => e.eventKey) });
    const afterFirst = await stored(id);
    expect(afterFirst.caseRow).toEqual({ state: 'assigned', opened_by: 'opener-assigned', version: '3' });
    // Serial ids follow the order the events were given.
    expect(afterFirst.events.map((e) => e.event_key)).toEqual(events.map((e) => e.eventKey));
    expect(afterFirst.events.map((e) => [e.data.step, e.seq])).toEqual([
      ['opened', '1'],
      ['triaged', '2'],
      ['assigned', '3'],
    ]);

    const retried = await writeCaseRecords(ds, tables, row(id, 'assigned', 3), events);
    expect(retried).toEqual({ snapshotWritten: false, eventsRecorded: 0, recordedEventKeys: [] });
    expect(await stored(id)).toEqual(afterFirst);
  });

  it('reports only the events it newly stored, in the order given, and keeps fixed columns and the newer row', async () => {
    const id = `c-${randomUUID()}`;
    await writeCaseRecords(ds, tables, row(id, 'triaged', 2), [event(id, 'opened', 1), event(id, 'triaged', 2)]);

    const newer = await writeCaseRecords(ds, tables, row(id, 'resolved', 5), [event(id, 'resolved', 5), event(id, 'triaged', 2), event(id, 'closed', 6)]);
    expect(newer).toEqual({ snapshotWritten: true, eventsRecorded: 2, recordedEventKeys: [`${id}:resolved`, `${id}:closed`] });

    // An older change arriving late: its event is new and stored, the row stays the newer one.
    const late = await writeCaseRecords(ds, tables, row(id, 'assigned', 3), [event(id, 'assigned', 3)]);
    expect(late).toEqual({ snapshotWritten: false, eventsRecorded: 1, recordedEventKeys: [`${id}:assigned`] });

    const { caseRow, events } = await stored(id);
    // opened_by is fixed: written with the row, never after.
    expect(caseRow).toEqual({ state: 'resolved', opened_by: 'opener-triaged', version: '5' });
    expect(events.map((e) => e.data.step)).toEqual(['opened', 'triaged', 'resolved', 'closed', 'assigned']);
  });

  it('stores and reports an event given twice in one write once', async () => {
    const id = `c-${randomUUID()}`;
    const opened = event(id, 'opened', 1);
    expect(await writeCaseRecords(ds, tables, row(id, 'opened', 1), [opened, opened])).toEqual({ snapshotWritten: true, eventsRecorded: 1, recordedEventKeys: [opened.eventKey] });
    expect((await stored(id)).events.map((e) => e.event_key)).toEqual([opened.eventKey]);
  });

  it('writes a row with no events', async () => {
    const id = `c-${randomUUID()}`;
    expect(await writeCaseRecords(ds, tables, row(id, 'opened', 1), [])).toEqual({ snapshotWritten: true, eventsRecorded: 0, recordedEventKeys: [] });
    expect(await stored(id)).toEqual({ caseRow: { state: 'opened', opened_by: 'opener-opened', version: '1' }, events: [] });
  });

  it('stores nothing when one event cannot be stored: the row and the other events are one write', async () => {
    const id = `c-${randomUUID()}`;
    // A change number the bigint column refuses, after a valid event and with a valid row.
    const refused = { ...event(id, 'triaged'), seq: 1.5 };
    await expect(writeCaseRecords(ds, tables, row(id, 'triaged', 2), [event(id, 'opened', 1), refused])).rejects.toThrow(/bigint/);
    expect(await stored(id)).toEqual({ caseRow: undefined, events: [] });

    // An existing row is not moved on either.
    await writeCaseRecords(ds, tables, row(id, 'opened', 1), [event(id, 'opened', 1)]);
    await expect(writeCaseRecords(ds, tables, row(id, 'triaged', 2), [event(id, 'triaged', 2), { ...event(id, 'assigned'), seq: 2.5 }])).rejects.toThrow(/bigint/);
    const after = await stored(id);
    expect(after.caseRow).toEqual({ state: 'opened', opened_by: 'opener-opened', version: '1' });
    expect(after.events.map((e) => e.event_key)).toEqual([`${id}:opened`]);
  });

  it('refuses a row without its updated_at or version', async () => {
    const id = `c-${randomUUID()}`;
    const { version: _version, ...unversioned } = row(id, 'opened', 1);
    await expect(writeCaseRecords(ds, tables, unversioned, [event(id, 'opened')])).rejects.toThrow(/updated_at and version/);
    expect(await stored(id)).toEqual({ caseRow: undefined, events: [] });
  });
});
