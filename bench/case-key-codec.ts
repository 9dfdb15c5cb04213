/**
 * What per-case keys cost per payload, with the key cache warm: the codec chain the worker and
 * API use (case key, then master key) against the master-key codec alone. Needs PostgreSQL
 * (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres); uses a throwaway database.
 *   npx ts-node --transpile-only bench/case-key-codec.ts [payloads=20000] [cases=100]
 */
import { randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { migrate } from '../src/persistence/data-source';
import { CaseKeyCodec } from '../src/temporal/case-key-codec';
import { caseKeyStoreFor, closeCaseKeyStores } from '../src/temporal/case-keys.store';
import { EncryptionCodec } from '../src/temporal/encryption-codec';

async function timeChain(codecs: PayloadCodec[], payloads: Payload[], contexts: SerializationContext[]): Promise<{ encodeUs: number; decodeUs: number }> {
  const sealed: Payload[] = new Array(payloads.length);
  let t = process.hrtime.bigint();
  for (let i = 0; i < payloads.length; i++) {
    let p = [payloads[i]];
    for (const c of codecs) p = await c.encode(p, contexts[i]);
    sealed[i] = p[0];
  }
  const encodeNs = Number(process.hrtime.bigint() - t);
  t = process.hrtime.bigint();
  for (let i = 0; i < sealed.length; i++) {
    let p = [sealed[i]];
    for (const c of [...codecs].reverse()) p = await c.decode(p, contexts[i]);
  }
  const decodeNs = Number(process.hrtime.bigint() - t);
  return { encodeUs: encodeNs / payloads.length / 1000, decodeUs: decodeNs / payloads.length / 1000 };
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 20_000);
  const cases = Number(process.argv[3] ?? 100);
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const name = `caseworks_bench_codec_${Date.now()}`;
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const key = randomBytes(32).toString('base64');
  try {
    const store = caseKeyStoreFor({ DATABASE_URL: url.toString(), PAYLOAD_ENCRYPTION_KEY: key })!;
    const master = EncryptionCodec.fromBase64(key);
    const payloads = Array.from({ length: n }, (_, i) => defaultPayloadConverter.toPayload({ i, description: randomBytes(384).toString('base64') })!);
    const contexts: SerializationContext[] = payloads.map((_, i) => ({ type: 'workflow', namespace: 'default', workflowId: `ticket-bench-${i % cases}` }));
    const chain = [new CaseKeyCodec(store), master];
    const tCold = process.hrtime.bigint();
    await timeChain(chain, payloads.slice(0, cases), contexts.slice(0, cases)); // creates the keys: one INSERT + SELECT per case
    const coldMs = Number(process.hrtime.bigint() - tCold) / 1e6;
    for (let round = 0; round < 2; round++) {
      // Warm: every case's key is cached (TTL 5 s; a round takes well under that).
      const alone = await timeChain([master], payloads, contexts);
      const both = await timeChain(chain, payloads, contexts);
      console.log(
        JSON.stringify({ round, payloads: n, cases, payloadBytes: payloads[0].data!.length, masterOnly: alone, caseKeyAndMaster: both, firstUseOfCasesMs: round === 0 ? coldMs : undefined }),
      );
    }
  } finally {
    await closeCaseKeyStores();
    const admin = new PgClient({ connectionString: base.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
