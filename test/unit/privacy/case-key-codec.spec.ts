import { randomBytes } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { CASE_KEY_METADATA, CASE_SEALED_ENCODING, CaseErasedError, CaseKeyCodec, ERASED_METADATA } from '../../../src/temporal/case-key-codec';
import type { CaseKey, CaseKeySource } from '../../../src/temporal/case-keys.store';
import { subjectOfStart, SubjectHasher } from '../../../src/temporal/case-subject';

/** The key table as a map: the codec's contract with it, without PostgreSQL (the e2e spec uses the real table). */
class MapKeys implements CaseKeySource {
  readonly keys = new Map<string, Buffer | null>();
  async keyForWriting(caseId: string): Promise<CaseKey> {
    if (!this.keys.has(caseId)) this.keys.set(caseId, randomBytes(32));
    return this.keyForReading(caseId);
  }
  async keyForReading(caseId: string): Promise<CaseKey> {
    const key = this.keys.get(caseId);
    if (key === undefined) return { state: 'absent' };
    return key === null ? { state: 'destroyed' } : { state: 'live', key };
  }
}

const text = (p: Payload, key: string) => Buffer.from(p.metadata?.[key] ?? []).toString();
const workflow = (workflowId: string) => ({ type: 'workflow' as const, namespace: 'default', workflowId });

describe('CaseKeyCodec', () => {
  const marker = `marker-${randomBytes(6).toString('hex')}`;
  const plain = defaultPayloadConverter.toPayload({ description: marker })!;

  it('seals a workflow payload under its case key: no plaintext, the case named, and it opens again', async () => {
    const keys = new MapKeys();
    const codec = new CaseKeyCodec(keys);
    const [sealed] = await codec.encode([plain], workflow('ticket-a'));
    expect(text(sealed, 'encoding')).toBe(CASE_SEALED_ENCODING);
    expect(text(sealed, CASE_KEY_METADATA)).toBe('ticket-a');
    expect(Buffer.from(sealed.data!).toString('latin1')).not.toContain(marker);
    const [opened] = await codec.decode([sealed]);
    expect(defaultPayloadConverter.fromPayload(opened)).toEqual({ description: marker });
  });

  it('seals activity payloads under the key of the workflow that scheduled them', async () => {
    const keys = new MapKeys();
    const [sealed] = await new CaseKeyCodec(keys).encode([plain], { type: 'activity', namespace: 'default', workflowId: 'refund-b', isLocal: false });
    expect(text(sealed, CASE_KEY_METADATA)).toBe('refund-b');
  });

  it('leaves payloads without a case alone (the master-key codec still wraps them)', async () => {
    const [out] = await new CaseKeyCodec(new MapKeys()).encode([plain]);
    expect(out).toBe(plain);
  });

  it('uses a different key per case: one case’s key does not open another’s payload', async () => {
    const keys = new MapKeys();
    const codec = new CaseKeyCodec(keys);
    const [sealed] = await codec.encode([plain], workflow('ticket-a'));
    await codec.encode([plain], workflow('ticket-b'));
    keys.keys.set('ticket-a', keys.keys.get('ticket-b')!);
    await expect(codec.decode([sealed])).rejects.toThrow();
  });

  it('decodes a payload whose key was destroyed to the "[erased]" tombstone, and refuses to write more', async () => {
    const keys = new MapKeys();
    const codec = new CaseKeyCodec(keys);
    const [sealed] = await codec.encode([plain], workflow('ticket-c'));
    keys.keys.set('ticket-c', null);
    const [tomb] = await codec.decode([sealed]);
    expect(defaultPayloadConverter.fromPayload(tomb)).toBe('[erased]');
    expect(text(tomb, ERASED_METADATA)).toBe('ticket-c');
    await expect(codec.encode([plain], workflow('ticket-c'))).rejects.toBeInstanceOf(CaseErasedError);
  });
});

describe('subjects', () => {
  it('names the subject per kind from the start input', () => {
    expect(subjectOfStart('ticketWorkflow', [{ customerRef: 'cust-1' }])).toBe('cust-1');
    expect(subjectOfStart('refundWorkflow', [{ customerRef: 'cust-2' }])).toBe('cust-2');
    expect(subjectOfStart('dunningWorkflow', [{ customerId: 'cus_3' }])).toBe('cus_3');
    expect(subjectOfStart('takedownWorkflow', [{ notice: { notifier: { email: 'N@Example.org' } } }])).toBe('N@Example.org');
    expect(subjectOfStart('incidentWorkflow', [{ customerRef: 'x' }])).toBeNull();
    expect(subjectOfStart('ticketWorkflow', [null])).toBeNull();
  });

  it('hashes with a key: same reference same hash, e-mail case ignored, another key another hash', () => {
    const a = new SubjectHasher(randomBytes(32));
    expect(a.hash('N@Example.org')).toBe(a.hash(' n@example.org '));
    expect(a.hash('cust-1')).not.toBe(a.hash('CUST-1'));
    expect(new SubjectHasher(randomBytes(32)).hash('cust-1')).not.toBe(a.hash('cust-1'));
    expect(a.hash('cust-1')).not.toContain('cust-1');
  });
});

describe('CaseKeyCodec and operations runs', () => {
  it('does not give the scheduled sweeps a key per run', async () => {
    const keys = new MapKeys();
    const plain = defaultPayloadConverter.toPayload({ since: null })!;
    const [out] = await new CaseKeyCodec(keys).encode([plain], workflow('ended-cases-sweep-2026-12-03T16:00:00Z'));
    expect(out).toBe(plain);
    expect(keys.keys.size).toBe(0);
  });
});
