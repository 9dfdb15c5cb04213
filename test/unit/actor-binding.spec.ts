import { METADATA_ENCODING_KEY, Payload, SerializationContext } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { BINDING_MAX_AGE_MS, unverifiedActorReason } from '../../src/domain/verified-actor';
import { unverifiedSignalReason, unverifiedStartReason, WORKER_IDENTITY } from '../../src/domain/verified-signal';
import { BILLING_WEBHOOK_CALLER, currentCaller, requestContextMiddleware, runAsCaller } from '../../src/api/auth/request-context';
import { ActorBindingCodec, canonicalBinding, deriveBindingKey, parseBoundCaller, WORKER_CALLER, workerCallerSource } from '../../src/temporal/actor-binding';
import { EncryptionCodec } from '../../src/temporal/encryption-codec';
import { ACTOR_BINDING_MAC_METADATA, ACTOR_BINDING_METADATA, BINDING_SCOPE_METADATA, CASE_ID_METADATA, CASE_KIND_METADATA, VERIFIED_CALLER, VERIFIED_CALLER_METADATA } from '../../src/temporal/payload-metadata';
import { payloadConverter } from '../../src/temporal/payload-converter';

const KEY = randomBytes(32).toString('base64');
const OTHER_KEY = randomBytes(32).toString('base64');
const LEGAL = { name: 'legal-ines', role: 'legal' };
const NOW = 1_790_000_000_000;
const NONCE = 'nonce-1';
const CASE: SerializationContext = { type: 'workflow', namespace: 'default', workflowId: 'takedown-1' };
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const note = (words = 'a note') => payloadConverter.toPayload({ actor: { id: LEGAL.name, role: LEGAL.role }, text: words });
const signer = (key = KEY, now = () => NOW) => new ActorBindingCodec({ encryptionKey: key, identity: () => LEGAL, now, nonce: () => NONCE });
const verifier = (key = KEY) => new ActorBindingCodec({ encryptionKey: key });
const keyless = () => new ActorBindingCodec({});

async function bound(payload = note(), codec = signer(), context: SerializationContext | undefined = CASE): Promise<Payload> {
  return (await codec.encode([payload], context))[0];
}
async function callerOf(payload: Payload, codec = verifier(), context: SerializationContext | undefined = CASE): Promise<string | undefined> {
  const [decoded] = await codec.decode([payload], context);
  expect(decoded.metadata?.[ACTOR_BINDING_METADATA]).toBeUndefined();
  expect(decoded.metadata?.[ACTOR_BINDING_MAC_METADATA]).toBeUndefined();
  const caller = decoded.metadata?.[VERIFIED_CALLER_METADATA];
  return caller ? text(caller) : undefined;
}
const withMetadata = (p: Payload, extra: Record<string, Uint8Array>): Payload => ({ ...p, metadata: { ...p.metadata, ...extra } });

describe('ActorBindingCodec', () => {
  it('binds a payload to the caller, the time and the case it is sent to; the data is untouched', async () => {
    const original = note();
    const p = await bound(original);
    expect(text(p.metadata![ACTOR_BINDING_METADATA])).toBe(canonicalBinding({ ...LEGAL, at: NOW, nonce: NONCE, case: 'takedown-1' }));
    expect(JSON.parse(text(p.metadata![ACTOR_BINDING_METADATA]))).toEqual({ name: 'legal-ines', role: 'legal', at: NOW, nonce: NONCE, case: 'takedown-1' });
    expect(p.metadata![ACTOR_BINDING_MAC_METADATA]).toHaveLength(32);
    expect(Buffer.from(p.data!)).toEqual(Buffer.from(original.data!));
  });

  it('verifies its own binding: decode names the caller and drops the binding', async () => {
    expect(await callerOf(await bound())).toBe(canonicalBinding({ ...LEGAL, at: NOW, nonce: NONCE, case: 'takedown-1' }));
  });

  it('binds nothing without a caller (the worker) or without a key', async () => {
    const p = note();
    expect(await new ActorBindingCodec({ encryptionKey: KEY }).encode([p], CASE)).toEqual([p]);
    expect(await new ActorBindingCodec({ encryptionKey: KEY, identity: () => undefined }).encode([p], CASE)).toEqual([p]);
    expect(await new ActorBindingCodec({ identity: () => LEGAL }).encode([p], CASE)).toEqual([p]);
  });

  it('always removes a caller the sender wrote itself, with a key or without one', async () => {
    const claim = { [VERIFIED_CALLER_METADATA]: Buffer.from(JSON.stringify({ ...LEGAL, at: NOW })) };
    expect(await callerOf(withMetadata(note(), claim))).toBeUndefined();
    expect(await callerOf(withMetadata(note(), claim), keyless())).toBeUndefined();
    // …also next to a valid binding: the caller named is the binding's, never the sender's.
    const forgedCaller = { [VERIFIED_CALLER_METADATA]: Buffer.from(JSON.stringify({ name: 'admin', role: 'admin', at: NOW })) };
    expect(JSON.parse((await callerOf(withMetadata(await bound(), forgedCaller)))!)).toMatchObject(LEGAL);
  });

  it('refuses a binding made with another key, or verified without the key', async () => {
    expect(await callerOf(await bound(note(), signer(OTHER_KEY)))).toBeUndefined();
    expect(await callerOf(await bound(), keyless())).toBeUndefined();
  });

  it('refuses a binding moved onto other words, another encoding, or with its own fields changed', async () => {
    const p = await bound();
    expect(await callerOf({ ...p, data: note('words legal never wrote').data })).toBeUndefined();
    expect(await callerOf(withMetadata(p, { [METADATA_ENCODING_KEY]: Buffer.from('binary/plain') }))).toBeUndefined();
    const promoted = canonicalBinding({ name: 'legal-ines', role: 'admin', at: NOW, nonce: NONCE, case: 'takedown-1' });
    expect(await callerOf(withMetadata(p, { [ACTOR_BINDING_METADATA]: Buffer.from(promoted) }))).toBeUndefined();
    const later = canonicalBinding({ ...LEGAL, at: NOW + 60_000, nonce: NONCE, case: 'takedown-1' });
    expect(await callerOf(withMetadata(p, { [ACTOR_BINDING_METADATA]: Buffer.from(later) }))).toBeUndefined();
    expect(await callerOf(withMetadata(p, { [ACTOR_BINDING_MAC_METADATA]: Buffer.alloc(32) }))).toBeUndefined();
    expect(await callerOf(withMetadata(p, { [ACTOR_BINDING_MAC_METADATA]: Buffer.alloc(3) }))).toBeUndefined();
  });

  it('refuses a binding made for another case; without a context (the codec endpoint) it still reads', async () => {
    const p = await bound();
    expect(await callerOf(p, verifier(), { type: 'workflow', namespace: 'default', workflowId: 'takedown-2' })).toBeUndefined();
    expect(await callerOf(p, verifier(), undefined)).toBeDefined();
  });

  it('travels sealed: behind the encryption codec the binding is not visible, and it verifies after decryption', async () => {
    const encryption = EncryptionCodec.fromBase64(KEY);
    const [sealed] = await encryption.encode(await signer().encode([note()], CASE));
    expect(Object.keys(sealed.metadata ?? {})).toEqual([METADATA_ENCODING_KEY, 'encryption-key-id']);
    expect(await callerOf((await encryption.decode([sealed]))[0])).toBeDefined();
  });

  it('derives its key from the payload key (HKDF), never using the AES key itself', () => {
    expect(deriveBindingKey(KEY)).toHaveLength(32);
    expect(deriveBindingKey(KEY).equals(Buffer.from(KEY, 'base64'))).toBe(false);
    expect(deriveBindingKey(KEY).equals(deriveBindingKey(KEY))).toBe(true);
  });
});

describe('the payload converter', () => {
  it('hands the verified caller to the decoded object under a symbol no copy or JSON carries', async () => {
    const [decoded] = await verifier().decode([await bound()], CASE);
    const value = payloadConverter.fromPayload<Record<string | symbol, unknown>>(decoded);
    expect(value[VERIFIED_CALLER]).toEqual({ ...LEGAL, at: NOW, nonce: NONCE, case: 'takedown-1' });
    expect(Object.keys(value)).toEqual(['actor', 'text']);
    expect(JSON.stringify(value)).toBe(JSON.stringify({ actor: { id: LEGAL.name, role: LEGAL.role }, text: 'a note' }));
    expect({ ...value }[VERIFIED_CALLER]).toBeUndefined();
  });

  it('gives nothing for a payload without a verified caller, and leaves non-objects alone', () => {
    expect(payloadConverter.fromPayload<Record<symbol, unknown>>(note())[VERIFIED_CALLER]).toBeUndefined();
    const claimed = withMetadata(payloadConverter.toPayload('just text'), { [VERIFIED_CALLER_METADATA]: Buffer.from(JSON.stringify({ ...LEGAL, at: NOW })) });
    expect(payloadConverter.fromPayload(claimed)).toBe('just text');
  });

  it('outside a workflow adds no case metadata (clients and activities)', () => {
    const p = note();
    expect(p.metadata?.[CASE_KIND_METADATA]).toBeUndefined();
    expect(p.metadata?.[CASE_ID_METADATA]).toBeUndefined();
  });
});

describe('unverifiedActorReason (the workflow rule)', () => {
  const caller = { name: 'legal-ines', role: 'legal', at: NOW, nonce: NONCE };
  const ok = (arg: unknown, c: unknown = caller, now = NOW) => unverifiedActorReason(arg, c, now) === undefined;

  it('accepts the caller by name, as {id, role}, or no actor at all (a system action)', () => {
    expect(ok({ actor: 'legal-ines', text: 'x' })).toBe(true);
    expect(ok({ actor: { id: 'legal-ines', role: 'legal' } })).toBe(true);
    expect(ok({ requestHash: 'h' })).toBe(true);
  });

  it('refuses every other actor', () => {
    for (const actor of ['legal-bob', { id: 'legal-ines', role: 'admin' }, { id: 'legal-bob', role: 'legal' }, { id: 'legal-ines', role: 'legal', extra: 1 }, null, 42, true, ['legal-ines', 'legal'], { id: { id: 'legal-ines' }, role: 'legal' }, {}, '']) {
      expect([actor, ok({ actor })]).toEqual([actor, false]);
    }
  });

  it('refuses without a verified caller, a caller of the wrong shape, or an argument that is not an object', () => {
    expect(unverifiedActorReason({ actor: 'legal-ines' }, undefined, NOW)).toMatch(/not sent through the Caseworks API/);
    expect(ok({ actor: 'legal-ines' }, { name: 'legal-ines', role: 'legal' })).toBe(false);
    expect(ok({ actor: 'legal-ines' }, { name: 'legal-ines', role: 'legal', at: '1' })).toBe(false);
    for (const arg of [null, 'legal-ines', 42, ['legal-ines']]) expect(ok(arg)).toBe(false);
  });

  it('refuses a binding more than 5 minutes old or ahead of workflow time', () => {
    expect(ok({ actor: 'legal-ines' }, caller, NOW + BINDING_MAX_AGE_MS)).toBe(true);
    expect(ok({ actor: 'legal-ines' }, caller, NOW + BINDING_MAX_AGE_MS + 1)).toBe(false);
    expect(ok({ actor: 'legal-ines' }, caller, NOW - BINDING_MAX_AGE_MS - 1)).toBe(false);
    expect(unverifiedActorReason({ actor: 'legal-ines' }, caller, NOW + BINDING_MAX_AGE_MS + 1)).toMatch(/5 minutes/);
  });

  it('refuses a nonce this run already applied, and a binding without one', () => {
    const applied = new Set([NONCE]);
    expect(unverifiedActorReason({ actor: 'legal-ines' }, caller, NOW, (n) => applied.has(n))).toMatch(/already applied/);
    expect(unverifiedActorReason({ actor: 'legal-ines' }, { ...caller, nonce: 'nonce-2' }, NOW, (n) => applied.has(n))).toBeUndefined();
    expect(unverifiedActorReason({ actor: 'legal-ines' }, { name: 'legal-ines', role: 'legal', at: NOW }, NOW)).toMatch(/nonce/);
    expect(ok({ actor: 'legal-ines' }, { ...caller, nonce: '' })).toBe(false);
  });
});

describe('single-use bindings, the worker identity and schedules', () => {
  it('gives every bound payload its own nonce', async () => {
    const codec = new ActorBindingCodec({ encryptionKey: KEY, identity: () => LEGAL });
    const [a, b] = await codec.encode([note(), note()], CASE);
    const nonceOf = (p: Payload) => parseBoundCaller(text(p.metadata![ACTOR_BINDING_METADATA]))!.nonce;
    expect(nonceOf(a)).toMatch(/^[\w-]{16}$/);
    expect(nonceOf(a)).not.toBe(nonceOf(b));
  });

  it('the worker binds what goes to a workflow, never activity payloads', async () => {
    const worker = new ActorBindingCodec({ encryptionKey: KEY, identity: workerCallerSource });
    const [toWorkflow] = await worker.encode([note()], { type: 'workflow', namespace: 'default', workflowId: 'ticket-1' });
    expect(parseBoundCaller(text(toWorkflow.metadata![ACTOR_BINDING_METADATA]))).toMatchObject({ ...WORKER_CALLER, case: 'ticket-1' });
    const [toActivity] = await worker.encode([note()], { type: 'activity', namespace: 'default', workflowId: 'ticket-1', isLocal: false });
    expect(toActivity.metadata?.[ACTOR_BINDING_METADATA]).toBeUndefined();
    expect(WORKER_CALLER).toEqual(WORKER_IDENTITY);
  });

  it("a schedule's input verifies on the runs it starts (<id>-<time>), an ordinary binding does not", async () => {
    const hinted = withMetadata(note(), { [BINDING_SCOPE_METADATA]: Buffer.from('schedule') });
    const scheduleContext: SerializationContext = { type: 'workflow', namespace: 'default', workflowId: 'retention-purge' };
    const run: SerializationContext = { type: 'workflow', namespace: 'default', workflowId: 'retention-purge-2026-12-03T03:00:00Z' };
    const workerSigner = new ActorBindingCodec({ encryptionKey: KEY, identity: () => WORKER_CALLER, now: () => NOW, nonce: () => NONCE });
    const scheduled = await bound(hinted, workerSigner, scheduleContext);
    expect(scheduled.metadata?.[BINDING_SCOPE_METADATA]).toBeUndefined();
    expect(JSON.parse(text(scheduled.metadata![ACTOR_BINDING_METADATA]))).toMatchObject({ case: 'retention-purge', schedule: true });
    expect(await callerOf(scheduled, verifier(), run)).toBeDefined();
    expect(await callerOf(scheduled, verifier(), { ...run, workflowId: 'retention-purger' })).toBeUndefined();
    expect(await callerOf(await bound(note(), workerSigner, scheduleContext), verifier(), run)).toBeUndefined();
    // Only the worker's schedules: a person's payload carrying the hint (say, through /codec/encode) stays bound to its one case.
    const personHinted = await bound(hinted, signer(), scheduleContext);
    expect(JSON.parse(text(personHinted.metadata![ACTOR_BINDING_METADATA])).schedule).toBeUndefined();
    expect(await callerOf(personHinted, verifier(), run)).toBeUndefined();
    // The flag is under the MAC: a forger cannot widen an ordinary binding into a schedule's.
    const plain = await bound(note(), signer(), scheduleContext);
    const widened = canonicalBinding({ ...parseBoundCaller(text(plain.metadata![ACTOR_BINDING_METADATA]))!, schedule: true });
    expect(await callerOf(withMetadata(plain, { [ACTOR_BINDING_METADATA]: Buffer.from(widened) }), verifier(), run)).toBeUndefined();
  });
});

describe('unverifiedSignalReason and unverifiedStartReason (the workflow rules)', () => {
  const worker = { ...WORKER_IDENTITY, at: NOW, nonce: 'w1' };
  const webhook = { name: 'system:billing-webhook', role: 'system', at: NOW, nonce: 'b1' };
  const sre = { name: 'sre-sam', role: 'sre', at: NOW, nonce: 's1' };
  const none = () => false;

  it('drops a signal without a verified caller or a nonce, or whose nonce was applied', () => {
    expect(unverifiedSignalReason('alert', [{ title: 'x' }], undefined, none)).toMatch(/not sent by the Caseworks service/);
    expect(unverifiedSignalReason('alert', [], sre, none)).toMatch(/one JSON object/);
    expect(unverifiedSignalReason('alert', [{ a: 1 }, { b: 2 }], sre, none)).toMatch(/one JSON object/);
    expect(unverifiedSignalReason('alert', [{}], { ...sre, nonce: undefined }, none)).toMatch(/nonce/);
    expect(unverifiedSignalReason('alert', [{}], sre, (n) => n === 's1')).toMatch(/already applied/);
    expect(unverifiedSignalReason('alert', [{}], sre, none)).toBeUndefined();
  });

  it('workflow signals come from the worker only; billing signals from a system route only', () => {
    for (const signal of ['moreAlerts', 'alertsCleared', 'incidentResolved', 'incidentEnded']) {
      expect(unverifiedSignalReason(signal, [{}], worker, none)).toBeUndefined();
      expect(unverifiedSignalReason(signal, [{}], webhook, none)).toBe(`only the case workflows send ${signal}`);
      expect(unverifiedSignalReason(signal, [{}], { ...sre, name: 'system:worker' }, none)).toBeDefined();
    }
    for (const signal of ['invoicePaid', 'disputeClosed', 'refundUpdated']) {
      expect(unverifiedSignalReason(signal, [{}], webhook, none)).toBeUndefined();
      expect(unverifiedSignalReason(signal, [{}], sre, none)).toBe(`only the billing webhook sends ${signal}`);
    }
  });

  it('a start needs one JSON object bound to a verified caller, of any age', () => {
    expect(unverifiedStartReason([{}], { ...worker, at: NOW - 365 * 86_400_000 })).toBeUndefined();
    expect(unverifiedStartReason([{}], undefined)).toMatch(/not started by the Caseworks service/);
    expect(unverifiedStartReason([], undefined)).toMatch(/one JSON object/);
    expect(unverifiedStartReason(['x'], worker)).toMatch(/one JSON object/);
  });
});

describe('the API request context', () => {
  it('names the request principal once authenticated, and a system caller inside runAsCaller', async () => {
    expect(currentCaller()).toBeUndefined();
    const req = {} as { principal?: { keyId: string; name: string; role: 'legal' } };
    const seen: unknown[] = [];
    await new Promise<void>((done) =>
      requestContextMiddleware(req as never, {} as never, () => {
        seen.push(currentCaller());
        req.principal = { keyId: 'k1', name: 'legal-ines', role: 'legal' };
        // Later in the same request (after the guard), across awaits.
        void Promise.resolve().then(async () => {
          seen.push(currentCaller());
          seen.push(await runAsCaller(BILLING_WEBHOOK_CALLER, async () => currentCaller()));
          seen.push(currentCaller());
          done();
        });
      }),
    );
    expect(seen).toEqual([undefined, LEGAL, BILLING_WEBHOOK_CALLER, LEGAL]);
    expect(currentCaller()).toBeUndefined();
  });
});
