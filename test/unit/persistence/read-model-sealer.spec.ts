import { randomBytes } from 'node:crypto';
import type { CaseKey, CaseKeySource } from '../../../src/temporal/case-keys.store';
import { CaseErasedError } from '../../../src/temporal/case-key-codec';
import { SubjectHasher } from '../../../src/temporal/case-subject';
import { ReadModelSealer } from '../../../src/persistence/read-model-sealer';
import { ERASED_TEXT, SEALED_PREFIX, sealText, UNREADABLE_TEXT } from '../../../src/persistence/sealed-text';

/** Keys in memory, as case_keys holds them: live, or destroyed by erasure. */
class MemoryKeys implements CaseKeySource {
  readonly keys = new Map<string, CaseKey>();
  async keyForWriting(caseId: string): Promise<CaseKey> {
    if (!this.keys.has(caseId)) this.keys.set(caseId, { state: 'live', key: randomBytes(32) });
    return this.keys.get(caseId)!;
  }
  async keyForReading(caseId: string): Promise<CaseKey> {
    return this.keys.get(caseId) ?? { state: 'absent' };
  }
  destroy(caseId: string): void {
    this.keys.set(caseId, { state: 'destroyed' });
  }
}

const snapshot = {
  id: 'ticket-0123456789abcdef',
  status: 'open',
  priority: 'P2',
  customerRef: 'cust-77',
  subject: 'My card was charged twice',
  replies: [{ by: 'cust-77', text: 'hello, Ann from 12 Main St', at: '2026-01-05T10:00:00.000Z' }],
  sla: { firstResponse: { state: 'met', dueAt: '2026-01-05T12:00:00Z', remainingMs: 0 } },
  chargeId: 'ch_3Nabc',
  agentReplies: 3,
};

describe('ReadModelSealer', () => {
  const keys = new MemoryKeys();
  const hasher = new SubjectHasher(randomBytes(32));
  const sealer = ReadModelSealer.over(keys, hasher);

  it('seals every personal string and keeps structure, figures, times, vocabulary and IDs in clear', async () => {
    const sealed = await sealer.seal(snapshot.id, snapshot);
    const text = JSON.stringify(sealed);
    for (const personal of ['cust-77', 'charged twice', 'Main St']) expect(text).not.toContain(personal);
    expect(sealed).toMatchObject({ id: snapshot.id, status: 'open', priority: 'P2', chargeId: 'ch_3Nabc', agentReplies: 3, sla: snapshot.sla });
    expect(sealed.replies[0].at).toBe('2026-01-05T10:00:00.000Z');
    expect(sealed.subject.startsWith(`${SEALED_PREFIX}${snapshot.id}:`)).toBe(true);
    // A random IV: the same text sealed twice differs (a dump cannot be matched string by string).
    expect(sealed.customerRef).not.toBe(sealed.replies[0].by);
  });

  it('opens what it sealed, in rows, arrays and class instances alike; sealing twice changes nothing', async () => {
    const sealed = await sealer.seal(snapshot.id, snapshot);
    class Row {
      constructor(readonly snapshot: unknown, readonly openedAt: Date) {}
    }
    const openedAt = new Date('2026-01-05T10:00:00Z');
    const [row] = await sealer.open([new Row(sealed, openedAt)]);
    expect(row).toBeInstanceOf(Row);
    expect(row.snapshot).toEqual(snapshot);
    expect(row.openedAt).toEqual(openedAt);
    expect(await sealer.seal(snapshot.id, sealed)).toEqual(sealed);
  });

  it('reads an erased case as "[erased]" and refuses to write about it', async () => {
    const caseId = 'ticket-erased-1';
    const sealed = await sealer.seal(caseId, { text: 'Ann from 12 Main St', status: 'open' });
    keys.destroy(caseId);
    expect(await sealer.open(sealed)).toEqual({ text: ERASED_TEXT, status: 'open' });
    await expect(sealer.seal(caseId, { text: 'more' })).rejects.toBeInstanceOf(CaseErasedError);
  });

  it('does not open a sealed string copied into another case, nor one made to look sealed', async () => {
    const other = await sealer.seal('ticket-other-1', { text: 'secret of another case' });
    const forged = other.text.replace('ticket-other-1', snapshot.id);
    await sealer.seal(snapshot.id, {}); // the victim case has a key
    expect(await sealer.open({ text: forged })).toEqual({ text: UNREADABLE_TEXT });
    expect(await sealer.open({ text: `${SEALED_PREFIX}${snapshot.id}:AAAA` })).toEqual({ text: UNREADABLE_TEXT });
  });

  it('stores a pseudonym for references: equal for equal references, matched with the clear reference of older rows', () => {
    expect(sealer.pseudonym('cust-77')).toBe(sealer.pseudonym(' cust-77 '));
    expect(sealer.pseudonym('cust-77')).toMatch(/^subject:[0-9a-f]{32}$/);
    expect(sealer.pseudonym('Jo@Example.org')).toBe(sealer.pseudonym('jo@example.org'));
    expect(sealer.refMatches('cust-77')).toEqual([sealer.pseudonym('cust-77'), 'cust-77']);
    expect(sealer.pseudonym(null)).toBeNull();
  });

  it('seals a whole text column', async () => {
    const sealed = await sealer.sealText('ticket-text-1', 'ann@example.org');
    expect(sealed).not.toContain('ann@');
    expect(await sealer.open(sealed)).toBe('ann@example.org');
    expect(await sealer.sealText('ticket-text-1', null)).toBeNull();
  });

  it('without keys (no PAYLOAD_ENCRYPTION_KEY) stores everything as given', async () => {
    const plain = ReadModelSealer.plaintext();
    expect(await plain.seal(snapshot.id, snapshot)).toEqual(snapshot);
    expect(plain.pseudonym('cust-77')).toBe('cust-77');
    expect(plain.refMatches('cust-77')).toEqual(['cust-77']);
  });

  it('reads a sealed string of a case that has no key as erased', async () => {
    const key = randomBytes(32);
    expect(await sealer.open({ t: sealText('ticket-nokey-1', key, 'x') })).toEqual({ t: ERASED_TEXT });
  });
});
