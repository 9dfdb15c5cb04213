import { WITHHELD_HEADER } from '../../src/api/codec/codec.controller';
import { encryptedPayloadsOf, jsonOf, jsonPayload, JsonPayload, metadataOf } from '../support/codec';
import { useApiStack } from '../support/harness';
import { copyrightNotice } from '../support/takedowns';
import { waitFor } from '../support/wait-for';

/**
 * The codec endpoint behind the Temporal UI answers only authenticated callers, and each only as
 * far as their role may read: payloads come from real workflows' histories on the dev server.
 */
describe('codec endpoint: need to know', () => {
  const stack = useApiStack({}, { label: 'codec-access', keys: Object.fromEntries((['client', 'agent', 'sre', 'legal', 'admin', 'billing'] as const).map((r) => [r, [r, `codec-${r}`] as const])) });
  const http: typeof stack.http = (...args) => stack.http(...args);
  const { keys } = stack;

  const decode = (key: string | undefined, payloads: JsonPayload[]) => http('POST', '/codec/decode', { key, body: { payloads }, headers: { 'x-namespace': 'default' } });
  const decodedText = (payloads: JsonPayload[]) => payloads.map((p) => JSON.stringify(jsonOf(p) ?? null)).join('\n');

  async function openTakedown(): Promise<{ caseId: string; payloads: JsonPayload[] }> {
    const res = await http('POST', '/v1/takedowns', { body: copyrightNotice() });
    expect(res.status).toBe(202);
    const caseId = res.body.caseId as string;
    // The case has recorded itself (activity input and result in history) once legal can read it.
    await waitFor(async () => (await http('GET', `/v1/takedowns/${caseId}`, { key: keys.legal })).status === 200, { what: 'takedown recorded' });
    return { caseId, payloads: await encryptedPayloadsOf(stack.client, caseId) };
  }

  async function openTicket(): Promise<{ id: string; payloads: JsonPayload[] }> {
    const res = await http('POST', '/v1/tickets', {
      key: keys.client,
      body: { brand: 'uoozee', channel: 'email', priority: 'P4', subject: 'Playback stops', description: 'My TV app stops, write to me at kim@example.com', customerRef: 'cust_codec_1' },
    });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    await waitFor(async () => (await stack.ds.query(`SELECT 1 FROM tickets WHERE id = $1`, [id])).length === 1, { what: 'ticket read model' });
    return { id, payloads: await encryptedPayloadsOf(stack.client, id) };
  }

  it('refuses callers without credentials (401) and roles without business in workflow data (403)', async () => {
    const { payloads } = await openTicket();
    const anonymous = await decode(undefined, payloads);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    expect((await http('POST', '/codec/encode', { body: { payloads: [jsonPayload('x')] } })).status).toBe(401);
    expect((await decode(keys.client, payloads)).status).toBe(403);
    expect((await decode('cw_not-a-real-key', payloads)).status).toBe(401);
  });

  it('an SRE sees a takedown notifier as [redacted: legal]; legal sees the name and e-mail', async () => {
    const { payloads } = await openTakedown();
    expect(payloads.length).toBeGreaterThan(0);
    const asLegal = await decode(keys.legal, payloads);
    expect(asLegal.status).toBe(200);
    expect(asLegal.headers.get(WITHHELD_HEADER)).toBe('0');
    const legalText = decodedText(asLegal.body.payloads);
    expect(legalText).toContain('"name":"Jane Roe"');
    expect(legalText).toContain('jane@studio.example');

    for (const role of ['sre', 'admin', 'agent'] as const) {
      const res = await decode(keys[role], payloads);
      expect(res.status).toBe(200);
      const text = decodedText(res.body.payloads);
      // Nowhere in what this role gets back: not in the workflow input, not in an activity's arguments.
      expect(text).not.toContain('jane@studio.example');
      expect(text).not.toContain('Jane Roe');
      // The start input (written by the API, untagged) is decoded with the notifier redacted; payloads
      // a takedown workflow wrote (tagged) stay sealed for roles that do not read legal cases.
      const input = res.body.payloads.map(jsonOf).find((v: any) => v?.notice?.notifier);
      expect(input.notice.notifier).toMatchObject({ name: '[redacted: legal]', email: '[redacted: legal]', role: 'attorney' });
      expect(input.notice.explanation).toBe('Full episode of our series uploaded without licence.');
      const sealed = res.body.payloads.filter((p: JsonPayload, i: number) => p.data === payloads[i].data).length;
      expect(Number(res.headers.get(WITHHELD_HEADER))).toBe(sealed);
      expect(sealed).toBeGreaterThan(0); // what the takedown workflow itself wrote (its activities' arguments, its results)
    }
  });

  it('client and billing keys cannot decode ticket payloads; agents read them; an SRE sees the customer redacted', async () => {
    const { payloads } = await openTicket();
    const asAgent = await decode(keys.agent, payloads);
    expect(asAgent.status).toBe(200);
    expect(decodedText(asAgent.body.payloads)).toContain('cust_codec_1');
    expect(decodedText(asAgent.body.payloads)).toContain('kim@example.com');

    for (const role of ['client', 'billing'] as const) {
      const refused = await decode(keys[role], payloads);
      expect(refused.status).toBe(403);
      expect(JSON.stringify(refused.body)).not.toContain('cust_codec_1');
    }
    // The start input was written by the API (no workflow tag): decoded, the customer's fields redacted.
    const asSre = await decode(keys.sre, payloads);
    expect(asSre.status).toBe(200);
    const sreText = decodedText(asSre.body.payloads);
    expect(sreText).not.toContain('cust_codec_1');
    expect(sreText).not.toContain('kim@example.com');
    const input = asSre.body.payloads.map(jsonOf).find((v: any) => v?.ticketId);
    expect(input).toMatchObject({ customerRef: '[redacted: agent]', description: '[redacted: agent]', subject: 'Playback stops' });
  });

  it('a payload a workflow wrote stays sealed for roles that may not read its kind, and is logged per case for those who may', async () => {
    // What a workflow writes carries its type and case ID inside the encryption (payload converter metadata).
    const tagged = (kind: string, caseId: string, value: unknown) => jsonPayload(value, { 'caseworks-kind': kind, 'caseworks-case': caseId });
    const plain = [
      tagged('incidentWorkflow', 'incident-codec-1', { summary: 'CDN edge errors in eu-west' }),
      tagged('takedownWorkflow', 'takedown-codec-1', { notice: { notifier: { name: 'Jane Roe', email: 'jane@studio.example', role: 'attorney' } } }),
      tagged('ticketWorkflow', 'ticket-codec-1', { customerRef: 'cust_tagged' }),
    ];
    const encoded = await http('POST', '/codec/encode', { key: keys.agent, body: { payloads: plain } });
    expect(encoded.status).toBe(200);
    // Proto3 JSON leaves an empty list out: `{}` is no payloads (the CLI's query without arguments), not a 400.
    for (const path of ['/codec/encode', '/codec/decode']) expect(await http('POST', path, { key: keys.agent, body: {} })).toMatchObject({ status: 200, body: { payloads: [] } });
    const sealed: JsonPayload[] = encoded.body.payloads;
    expect(sealed.every((p) => metadataOf(p, 'encoding') === 'binary/encrypted')).toBe(true);

    const readable = async (role: string) => {
      const res = await decode(keys[role], sealed);
      expect(res.status).toBe(200);
      return res.body.payloads.map((p: JsonPayload, i: number) => (p.data === sealed[i].data ? 'sealed' : jsonOf(p)));
    };
    expect(await readable('sre')).toEqual([{ summary: 'CDN edge errors in eu-west' }, 'sealed', 'sealed']);
    expect(await readable('agent')).toEqual(['sealed', 'sealed', { customerRef: 'cust_tagged' }]);
    // Admin reads operations data but not legal notices.
    expect(await readable('admin')).toEqual([{ summary: 'CDN edge errors in eu-west' }, 'sealed', { customerRef: 'cust_tagged' }]);
    // Legal reads the notice in full, and nothing else.
    expect(await readable('legal')).toEqual(['sealed', { notice: { notifier: { name: 'Jane Roe', email: 'jane@studio.example', role: 'attorney' } } }, 'sealed']);

    const logged: { actor: string; role: string; case_id: string; case_kind: string }[] = await stack.ds.query(
      `SELECT actor, role, case_id, case_kind FROM access_log WHERE operation = 'codec.decode' AND case_id LIKE '%-codec-1' ORDER BY id`,
    );
    expect(logged).toEqual(
      expect.arrayContaining([
        { actor: 'codec-sre', role: 'sre', case_id: 'incident-codec-1', case_kind: 'incident' },
        { actor: 'codec-agent', role: 'agent', case_id: 'ticket-codec-1', case_kind: 'ticket' },
        { actor: 'codec-legal', role: 'legal', case_id: 'takedown-codec-1', case_kind: 'takedown' },
      ]),
    );
    // Sealed payloads were not read: no entry for them.
    expect(logged.filter((r) => r.role === 'sre' && r.case_id !== 'incident-codec-1')).toEqual([]);
  });
});
