import { ScheduleHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { computeTransparencyCounts, readTransparencySnapshot } from '../../src/persistence/takedown-transparency';
import { ensureSchedule, transparencySchedule } from '../../src/worker/schedules';
import { useWorkerStack } from '../support/harness';
import { waitFor } from '../support/wait-for';

/** The yearly Temporal Schedule on the real dev server: triggered by hand, it stores the year just ended. */
describe('yearly transparency report schedule', () => {
  const stack = useWorkerStack({}, { label: 'transparency' });
  const { taskQueue } = stack;
  const scheduleId = `test-transparency-${randomUUID().slice(0, 8)}`;
  // The schedule reports the year before its run: the only takedowns of that year are seeded here.
  const year = new Date().getUTCFullYear() - 1;
  const day = 86_400_000;
  let schedule: ScheduleHandle | undefined;
  stack.onTeardown(() => schedule?.delete());

  it('is created once (idempotently), and a triggered run stores the year’s report as one row, replaced by a re-run', async () => {
    const first = await ensureSchedule(stack.client, transparencySchedule(taskQueue, scheduleId));
    schedule = first.handle;
    expect(first.created).toBe(true);
    expect((await ensureSchedule(stack.client, transparencySchedule(taskQueue, scheduleId))).created).toBe(false);
    const described = await schedule.describe();
    expect(described.spec.calendars?.[0]).toMatchObject({ month: [{ start: 'JANUARY', end: 'JANUARY', step: 1 }], dayOfMonth: [{ start: 1, end: 1, step: 1 }] });
    expect(described.policies.overlap).toBe('SKIP');

    // Three notices of last year: decided after 1 and 3 days, one undecided; one preservation request, extended.
    const at = (m: number, d: number) => new Date(Date.UTC(year, m - 1, d, 12));
    const seed: [string, string | null, number | null][] = [
      ['closed', 'remove', 1],
      ['kept', 'restrict', 3],
      ['in_review', null, null],
    ];
    for (const [i, [state, outcome, days]] of seed.entries()) {
      const received = at(5, 1 + i);
      await stack.ds.query(
        `INSERT INTO takedowns (id, brand, state, regimes, legal_basis, tier, channel, received_at, decided_at, outcome, snapshot, updated_at)
         VALUES ($1, 'uoozee', $2, '{dmca}', 'copyright', 'standard', 'public', $3, $4, $5, '{}', now())`,
        [`${scheduleId}-${i}`, state, received, days === null ? null : new Date(received.getTime() + days * day), outcome],
      );
    }
    await stack.ds.query(
      `INSERT INTO takedown_preservations (id, case_id, brand, state, authority, reference, requested_by, requested_at, expires_at, extended_at, snapshot, updated_at)
       VALUES ($1, $2, 'uoozee', 'extended', 'Court', 'ref-1', 'legal-ines', $3, $4, $5, '{}', now())`,
      [`${scheduleId}-hold`, `${scheduleId}-0`, at(6, 1), at(12, 1), at(8, 1)],
    );
    expect(await readTransparencySnapshot(stack.ds, year)).toBeNull();

    await schedule.trigger();
    const stored = await waitFor(() => readTransparencySnapshot(stack.ds, year).then((s) => s ?? undefined), { what: `the ${year} snapshot row` });
    expect(stored.counts).toMatchObject({
      year,
      notices: 3,
      byDecision: { remove: 1, restrict: 1, no_action: 0, escalate_safety: 0 },
      undecided: 1,
      medianTimeToDecisionMs: 2 * day,
      p90TimeToDecisionMs: 3 * day,
      keptAfterCourtAction: 1,
      retentionRequests: 1,
      retentionExtensions: 1,
    });
    expect(stored.counts).toEqual(await computeTransparencyCounts(stack.ds, year));
    expect(stored.generations).toBe(1);
    expect(stored.generatedBy).toMatch(/^transparency-report-/);
    const [{ rows }] = await stack.ds.query(`SELECT count(*)::int AS rows FROM transparency_reports WHERE year = $1`, [year]);
    expect(rows).toBe(1);

    // A re-run replaces the figures in the same row and keeps when it was first produced.
    await stack.ds.query(`UPDATE takedowns SET state = 'closed', outcome = 'no_action', decided_at = received_at + interval '5 days' WHERE id = $1`, [`${scheduleId}-2`]);
    // The row is stored a moment before the run ends; a trigger while it runs is skipped (overlap
    // SKIP), and the schedule may still count the first run as running a moment after describe()
    // stopped listing it (seen under load): trigger again whenever nothing runs and no re-run landed.
    const rerun = await waitFor(async () => {
      const s = await readTransparencySnapshot(stack.ds, year);
      if (s && s.generations >= 2) return s; // a late extra trigger may make it 3: still one row, replaced
      if ((await schedule!.describe()).info.runningActions.length === 0) await schedule!.trigger();
      return undefined;
    }, { what: 'the re-run', intervalMs: 500 });
    expect(rerun.counts).toMatchObject({ undecided: 0, byDecision: { no_action: 1 }, medianTimeToDecisionMs: 3 * day, p90TimeToDecisionMs: 5 * day });
    expect(rerun.firstGeneratedAt).toBe(stored.firstGeneratedAt);
    expect(Date.parse(rerun.generatedAt)).toBeGreaterThanOrEqual(Date.parse(stored.generatedAt));
    expect((await stack.ds.query(`SELECT count(*)::int AS rows FROM transparency_reports WHERE year = $1`, [year]))[0].rows).toBe(1);
  });
});
