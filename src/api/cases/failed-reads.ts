/**
 * The cases whose workflow failed a read (the server's QueryFailed) within the last `holdMs`: the
 * API reads them from the read model without asking their workflow again until then.
 *
 * Why: a failed read is a replay that failed on a worker (a case stuck by the known problem of
 * docs/known-problems.md, or an erased case), and asking again only repeats it: the worker replays
 * the whole history each time, and a client polling such a case would keep workers busy with it.
 * One more reason: the SDK can stop a worker after such a replay fails in a way the app does not
 * foresee (docs/known-problems.md, "A query of a stuck case can stop a worker"). The hold is short,
 * so a case repaired meanwhile (the worker resets a stuck case within seconds) answers live again
 * soon; the read model holds its state as of its last transition all the while.
 */
export class RecentlyFailedReads {
  /** Case ID → when its hold ends; insertion order is the order of the failures. */
  private readonly holds = new Map<string, number>();

  constructor(
    private readonly holdMs = 60_000,
    /** Bounded: a flood of failing reads cannot grow this without end (the oldest hold goes first). */
    private readonly max = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  remember(caseId: string): void {
    this.holds.delete(caseId);
    if (this.holds.size >= this.max) this.holds.delete(this.holds.keys().next().value as string);
    this.holds.set(caseId, this.now() + this.holdMs);
  }

  /** True while the case's hold lasts; an expired hold is forgotten. */
  isHeld(caseId: string): boolean {
    const until = this.holds.get(caseId);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.holds.delete(caseId);
    return false;
  }
}
