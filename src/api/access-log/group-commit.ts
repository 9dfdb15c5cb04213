/**
 * Writes items in group commits: while one write is in flight, the items that arrive wait and go
 * together in the next (one statement, many rows). Each caller's promise settles when the write
 * holding its item has finished, so a caller that awaits it still knows its item is stored; a lone
 * item is written at once, as it would be alone. Under load this turns one transaction per API
 * call into one per batch (the access log is written by every call to case data).
 */
export class GroupCommit<T> {
  private queue: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly writeMany: (items: T[]) => Promise<void>,
    /** The most items one write takes (a statement's parameters are bounded: 65,535 in PostgreSQL). */
    private readonly maxBatch: number,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.writeMany(batch.map((b) => b.item));
        } catch (err) {
          // The whole batch failed together: each caller hears it and falls back on its own.
          for (const b of batch) b.reject(err);
          continue;
        }
        for (const b of batch) b.resolve();
      }
    } finally {
      this.writing = false;
    }
  }
}
