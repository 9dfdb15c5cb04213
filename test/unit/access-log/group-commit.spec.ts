import { GroupCommit } from '../../../src/api/access-log/group-commit';

/** A store whose writes finish when the test says so; it keeps each write's items. */
function controlledStore() {
  const writes: { items: number[]; finish: (err?: Error) => void }[] = [];
  const writeMany = (items: number[]) =>
    new Promise<void>((resolve, reject) => {
      writes.push({ items, finish: (err) => (err ? reject(err) : resolve()) });
    });
  return { writes, writeMany };
}

const settled = async <T>(p: Promise<T>) => {
  let state = 'pending';
  p.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  // Two turns of the microtask queue let a settled promise's handlers run.
  await Promise.resolve();
  await Promise.resolve();
  return state;
};

describe('GroupCommit (the access log written in group commits)', () => {
  it('writes a lone item at once, and its caller hears only when that write is done', async () => {
    const store = controlledStore();
    const commits = new GroupCommit(store.writeMany, 10);
    const one = commits.add(1);
    expect(store.writes.map((w) => w.items)).toEqual([[1]]);
    expect(await settled(one)).toBe('pending');
    store.writes[0].finish();
    await expect(one).resolves.toBeUndefined();
  });

  it('gathers the items that arrive during a write into the next one, at most maxBatch to a write', async () => {
    const store = controlledStore();
    const commits = new GroupCommit(store.writeMany, 3);
    const first = commits.add(1);
    const waiting = [2, 3, 4, 5].map((i) => commits.add(i));
    expect(store.writes).toHaveLength(1); // nothing else goes while the first write is in flight
    store.writes[0].finish();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(store.writes.map((w) => w.items)).toEqual([[1], [2, 3, 4]]);
    expect(await settled(waiting[0])).toBe('pending');
    store.writes[1].finish();
    await Promise.all(waiting.slice(0, 3));
    await new Promise((r) => setImmediate(r));
    expect(store.writes.map((w) => w.items)).toEqual([[1], [2, 3, 4], [5]]);
    expect(await settled(waiting[3])).toBe('pending');
    store.writes[2].finish();
    await waiting[3];
  });

  it('fails every caller of a failed write, and the next write still goes', async () => {
    const store = controlledStore();
    const commits = new GroupCommit(store.writeMany, 10);
    const first = commits.add(1);
    const second = [commits.add(2), commits.add(3)];
    const later = commits.add(4);
    store.writes[0].finish();
    await first;
    await new Promise((r) => setImmediate(r));
    store.writes[1].finish(new Error('connection lost'));
    await expect(second[0]).rejects.toThrow('connection lost');
    await expect(second[1]).rejects.toThrow('connection lost');
    // 4 waited beside 2 and 3 (all arrived during the first write): it shared their failed write.
    await expect(later).rejects.toThrow('connection lost');
    const after = commits.add(5);
    expect(store.writes.map((w) => w.items)).toEqual([[1], [2, 3, 4], [5]]);
    store.writes[2].finish();
    await expect(after).resolves.toBeUndefined();
  });
});
