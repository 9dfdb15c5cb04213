/**
 * What sealing the read model costs per record, with the key cache warm: seal() of a ticket
 * snapshot as the worker writes it, open() of a page of them as the API reads it. No database:
 * keys come from memory (the key store's cost is bench/case-key-codec.ts's).
 *   npx ts-node --transpile-only bench/read-model-sealer.ts [records=5000]
 */
import { randomBytes } from 'node:crypto';
import type { CaseKey, CaseKeySource } from '../src/temporal/case-keys.store';
import { SubjectHasher } from '../src/temporal/case-subject';
import { ReadModelSealer } from '../src/persistence/read-model-sealer';
import { isPersonalString } from '../src/persistence/personal-data';

class MemoryKeys implements CaseKeySource {
  private readonly keys = new Map<string, CaseKey>();
  async keyForWriting(caseId: string): Promise<CaseKey> {
    if (!this.keys.has(caseId)) this.keys.set(caseId, { state: 'live', key: randomBytes(32) });
    return this.keys.get(caseId)!;
  }
  async keyForReading(caseId: string): Promise<CaseKey> {
    return this.keys.get(caseId) ?? { state: 'absent' };
  }
}

/** A ticket view of the size a replied-to P2 ticket has (subject, description, replies, clocks). */
function ticket(i: number): Record<string, unknown> {
  const at = new Date(1_764_000_000_000 + i * 1000).toISOString();
  return {
    id: `ticket-bench-${i}`, brand: 'uoozee', channel: 'email', priority: 'P2', status: 'open', plan: 'premium', policyVersion: 'uoozee-2026.1',
    customerRef: `cust_${i}`, subject: 'Playback stops after the intro on my TV', description: 'Every episode stops after the intro. Tried the app again, same.',
    assignee: 'agent-ann', openedAt: at, receivedAt: at, atRisk: false, agentReplies: 3, reopenCount: 0,
    replies: Array.from({ length: 4 }, (_, r) => ({ by: r % 2 ? 'agent-ann' : `cust_${i}`, text: `Message ${r}: could you restart the device and try again?`, at })),
    sla: { firstResponse: { metric: 'firstResponse', state: 'met', deadlineAt: at, fulfilledAt: at, remainingSeconds: 0 }, resolution: { metric: 'resolution', state: 'running', deadlineAt: at, remainingSeconds: 7200 } },
    slaHistory: [],
  };
}

function countStrings(v: unknown, key?: string): [number, number] {
  if (typeof v === 'string') return [1, isPersonalString(v, key) ? 1 : 0];
  if (Array.isArray(v)) return v.reduce<[number, number]>((a, x) => { const [s, p] = countStrings(x, key); return [a[0] + s, a[1] + p]; }, [0, 0]);
  if (v && typeof v === 'object') return Object.entries(v).reduce<[number, number]>((a, [k, x]) => { const [s, p] = countStrings(x, k); return [a[0] + s, a[1] + p]; }, [0, 0]);
  return [0, 0];
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 5000);
  const sealer = ReadModelSealer.over(new MemoryKeys(), new SubjectHasher(randomBytes(32)));
  const views = Array.from({ length: n }, (_, i) => ticket(i));
  for (const v of views.slice(0, 200)) await sealer.seal(String(v.id), v); // warm up (keys made, JIT)
  let t = process.hrtime.bigint();
  const sealed = [];
  for (const v of views) sealed.push(await sealer.seal(String(v.id), v));
  const sealUs = Number(process.hrtime.bigint() - t) / n / 1000;
  t = process.hrtime.bigint();
  for (let i = 0; i < n; i += 50) await sealer.open(sealed.slice(i, i + 50));
  const openPageMs = Number(process.hrtime.bigint() - t) / Math.ceil(n / 50) / 1e6;
  const [strings, personal] = countStrings(views[0]);
  const plainBytes = JSON.stringify(views[0]).length;
  const sealedBytes = JSON.stringify(sealed[0]).length;
  console.log(JSON.stringify({ records: n, strings, sealedStrings: personal, sealUsPerRecord: +sealUs.toFixed(1), openMsPer50: +openPageMs.toFixed(2), plainBytes, sealedBytes }));
}

void main();
