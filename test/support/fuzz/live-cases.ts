import { randomUUID } from 'node:crypto';
import type { StripeFake } from '../../fakes/stripe';
import type { Role } from '../../../src/persistence/entities/api-key.entity';
import { TEST_ACCOUNT } from '../harness';
import { copyrightNotice } from '../takedowns';
import { waitFor } from '../wait-for';
import { rawRequest } from './raw-request';

export type CaseKind = 'ticket' | 'incident' | 'refund' | 'dispute' | 'dunning' | 'takedown';

const DAY = 86_400_000;
const H48 = 48 * 3_600_000;

/** Where a path's `{id}` points: the case kind whose live case fills it, by path prefix. */
const CASE_PATHS: [RegExp, CaseKind][] = [
  [/^\/v1\/tickets\/\{id\}/, 'ticket'],
  [/^\/v1\/incidents\/\{id\}/, 'incident'],
  [/^\/v1\/refunds\/\{id\}/, 'refund'],
  [/^\/v1\/disputes\/\{id\}/, 'dispute'],
  [/^\/v1\/dunning\/\{id\}/, 'dunning'],
  [/^\/v1\/takedowns\/\{id\}/, 'takedown'],
];

/** Path parameters that name something the request creates or replaces (PUT): a fixed name each. */
const UPSERT_PATHS: [RegExp, Record<string, string>][] = [
  [/^\/v1\/oncall\/rotations\/\{name\}$/, { name: 'fuzz-rotation' }],
  [/^\/v1\/escalation-policies\/\{id\}$/, { id: 'fuzz-policy' }],
];

/** How each kind is read back (GET must keep answering 200 after the fuzzing) and by whom. */
export const READ_BACK: Record<CaseKind, { path: (id: string) => string; role: Role }> = {
  ticket: { path: (id) => `/v1/tickets/${id}`, role: 'agent' },
  incident: { path: (id) => `/v1/incidents/${id}`, role: 'sre' },
  refund: { path: (id) => `/v1/refunds/${id}`, role: 'agent' },
  dispute: { path: (id) => `/v1/disputes/${id}`, role: 'agent' },
  dunning: { path: (id) => `/v1/dunning/${id}`, role: 'agent' },
  takedown: { path: (id) => `/v1/takedowns/${id}`, role: 'legal' },
};

export function caseKindOf(path: string): CaseKind | undefined {
  return CASE_PATHS.find(([re]) => re.test(path))?.[1];
}

export function upsertParamsOf(path: string): Record<string, string> | undefined {
  return UPSERT_PATHS.find(([re]) => re.test(path))?.[1];
}

type Keys = Record<Role, string>;

/**
 * Real cases, opened the way clients open them (HTTP, or the gateway's signed webhook), so every
 * `/{id}` operation is fuzzed against a live workflow. A case that stops answering is replaced.
 */
export class LiveCases {
  private readonly ids = new Map<CaseKind, string>();
  private holdId: string | undefined;
  private accountId: string | undefined;
  private agentId: string | undefined;
  private clientKeyId: string | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly keys: Keys,
    private readonly stripe: StripeFake,
  ) {}

  private async call(method: string, path: string, role: Role | null, body?: unknown, headers: Record<string, string> = {}) {
    return rawRequest(this.baseUrl, {
      method,
      path,
      headers: { ...(role ? { authorization: `Bearer ${this.keys[role]}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  private async created(what: string, res: { status: number; text: string }, id: unknown): Promise<string> {
    if (res.status >= 300 || typeof id !== 'string') throw new Error(`could not open a ${what} for the fuzz suite: ${res.status} ${res.text.slice(0, 300)}`);
    return id;
  }

  /** Until GET answers 200: a case started through a webhook or a 202 has a workflow a moment later. */
  private async readable(kind: CaseKind, id: string): Promise<string> {
    const { path, role } = READ_BACK[kind];
    await waitFor(async () => (await this.call('GET', path(id), role)).status === 200, { what: `${kind} ${id} readable`, timeoutMs: 30_000 });
    return id;
  }

  async open(kind: CaseKind): Promise<string> {
    const body = (b: unknown) => b as Record<string, unknown>;
    switch (kind) {
      case 'ticket': {
        // For the test account, so the client key (the first role some ticket routes name) sees it too.
        const res = await this.call('POST', '/v1/tickets', 'agent', { brand: 'uoozee', channel: 'email', priority: 'P3', subject: 'Fuzz target', description: 'A live case for the fuzz suite', customerRef: 'cust_fuzz', account: TEST_ACCOUNT });
        return this.created(kind, res, body(res.body)?.id);
      }
      case 'incident': {
        const res = await this.call('POST', '/v1/incidents', 'sre', { brand: 'uoozee', priority: 'P3', title: 'Fuzz target', services: ['playback-api'] });
        return this.created(kind, res, body(res.body)?.id);
      }
      case 'refund': {
        const charge = this.stripe.addCharge({ amount: 9999, currency: 'usd' });
        const sub = this.stripe.addSubscription();
        const res = await this.call('POST', '/v1/refunds', 'agent', this.refundBody(String(charge.id), String(sub.id)));
        return this.created(kind, res, body(res.body)?.id);
      }
      case 'dispute': {
        const charge = this.stripe.addCharge({ amount: 9999, currency: 'usd' });
        const event = this.stripe.addDispute({ charge: String(charge.id), dueBy: Date.now() + H48 + 10 * DAY });
        await this.webhook(event);
        return this.readable(kind, `dispute-${String((event.data as { object: { id: string } }).object.id)}`);
      }
      case 'dunning': {
        const sub = this.stripe.addSubscription();
        const invoiceId = `in_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
        await this.webhook({
          id: `evt_${invoiceId}`,
          object: 'event',
          type: 'invoice.payment_failed',
          created: Math.floor(Date.now() / 1000),
          data: { object: { id: invoiceId, object: 'invoice', customer: 'cus_fuzz', subscription: sub.id, amount_due: 999, amount_paid: 0, currency: 'usd', attempt_count: 1 } },
        });
        return this.readable(kind, `dunning-${invoiceId}`);
      }
      case 'takedown': {
        const res = await this.call('POST', '/v1/takedowns', null, copyrightNotice());
        return this.readable(kind, await this.created(kind, res, body(res.body)?.caseId));
      }
    }
  }

  /** A refund request the gateway fake can honour (its charge and subscription exist). */
  refundBody(chargeId: string, subscriptionId: string): Record<string, unknown> {
    const now = Date.now();
    return {
      brand: 'uoozee',
      customerRef: 'cust_fuzz',
      subscriptionId,
      plan: { interval: 'year', priceMinor: 9999, currency: 'USD' },
      purchasedAt: new Date(now - 2 * DAY).toISOString(),
      currentPeriod: { start: new Date(now - 2 * DAY).toISOString(), end: new Date(now + 363 * DAY).toISOString() },
      paymentReference: chargeId,
      reason: 'cancellation',
    };
  }

  async webhook(event: Record<string, unknown>): Promise<void> {
    const { body, header } = this.stripe.signedEvent(event);
    const res = await this.call('POST', '/v1/webhooks/billing?brand=uoozee', null, body, { 'stripe-signature': header });
    if (res.status !== 200) throw new Error(`the gateway webhook was refused: ${res.status} ${res.text.slice(0, 300)}`);
  }

  /** The live case of a kind, opened on first use. */
  async idOf(kind: CaseKind): Promise<string> {
    let id = this.ids.get(kind);
    if (!id) {
      id = await this.open(kind);
      this.ids.set(kind, id);
      if (kind === 'takedown') this.holdId = undefined;
    }
    return id;
  }

  /** A preservation hold on the live takedown, for `/preservations/{holdId}` operations. */
  async holdIdOf(): Promise<string> {
    if (!this.holdId) {
      const id = await this.idOf('takedown');
      const res = await this.call('POST', `/v1/takedowns/${id}/preservations`, 'legal', { authority: 'Fuzz Authority', reference: `FUZZ-${randomUUID().slice(0, 8)}`, items: [{ contentId: 'vid_123' }] });
      this.holdId = await this.created('preservation hold', res, (res.body as Record<string, unknown>)?.id);
    }
    return this.holdId;
  }

  /** The fuzz suite's own customer account, for `/v1/accounts/{id}/…` operations (created on first use). */
  async accountIdOf(): Promise<string> {
    if (!this.accountId) {
      const res = await this.call('POST', '/v1/accounts', 'admin', { id: 'fuzz-account', brand: 'uoozee' });
      this.accountId = await this.created('account', res, (res.body as Record<string, unknown>)?.id);
    }
    return this.accountId;
  }

  /**
   * The fuzz suite's own registered agent, for `/v1/agents/{id}…` operations (created on first use;
   * no ticket names it), with its onboarding started, so `/v1/agents/{id}/onboarding/…` has a case
   * whatever the fuzzed start request does (its example's first day ages out of the allowed range).
   */
  async agentIdOf(): Promise<string> {
    if (!this.agentId) {
      const res = await this.call('POST', '/v1/agents', 'admin', { id: 'fuzz-agent', brand: 'uoozee', tier: 'L1' });
      const id = await this.created('agent', res, (res.body as Record<string, unknown>)?.id);
      const onboarding = await this.call('POST', `/v1/agents/${id}/onboarding`, 'admin', {});
      await this.created('onboarding', onboarding, (onboarding.body as Record<string, unknown>)?.id);
      this.agentId = id;
    }
    return this.agentId;
  }

  /**
   * The client key's ID, for `/v1/api-keys/{id}`: no route lists keys with an account, so it is
   * read from the access log, which records the key's ID with each call the key makes.
   */
  async clientKeyIdOf(): Promise<string> {
    if (!this.clientKeyId) {
      const ticket = await this.idOf('ticket');
      await this.call('GET', `/v1/tickets/${ticket}`, 'client');
      const res = await this.call('GET', `/v1/access-log?case=${ticket}&limit=200`, 'admin');
      const items = (res.body as { items?: { role: string; actorId: string | null }[] } | undefined)?.items ?? [];
      this.clientKeyId = await this.created('client key ID', res, items.find((e) => e.role === 'client')?.actorId);
    }
    return this.clientKeyId;
  }

  /** GET status of the live case of a kind (200 expected after any fuzzing). */
  async readBack(kind: CaseKind): Promise<{ status: number; text: string }> {
    const id = this.ids.get(kind);
    if (!id) return { status: 200, text: '' };
    const { path, role } = READ_BACK[kind];
    return this.call('GET', path(id), role);
  }

  /** Forget a case that stopped answering: the next operation gets a fresh one. */
  replace(kind: CaseKind): void {
    this.ids.delete(kind);
    if (kind === 'takedown') this.holdId = undefined;
  }

  /**
   * The values for an operation's path parameters; throws (loudly, naming the operation) when
   * the suite does not know what a parameter points to.
   */
  async pathValues(opKey: string, path: string, params: string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const upsert = upsertParamsOf(path);
    const kind = caseKindOf(path);
    for (const name of params) {
      if (upsert?.[name]) out[name] = upsert[name];
      // Operations records, not cases: an account of the suite's own and its client key (never moved: it has an account).
      else if (name === 'id' && path.startsWith('/v1/accounts/{id}/')) out[name] = await this.accountIdOf();
      else if (name === 'id' && path === '/v1/api-keys/{id}') out[name] = await this.clientKeyIdOf();
      else if (name === 'id' && path.startsWith('/v1/agents/{id}')) out[name] = await this.agentIdOf();
      else if (name === 'id' && kind) out[name] = await this.idOf(kind);
      else if (name === 'holdId' && kind === 'takedown') out[name] = await this.holdIdOf();
      // The customer view only reads: the live cases' customer, so it lists a live ticket and its events.
      else if (name === 'customerRef' && path.startsWith('/v1/customers/')) {
        await this.idOf('ticket');
        out[name] = 'cust_fuzz';
      }
      // Privacy routes (export, erase): a subject of its own, never cust_fuzz — erasing it would end the live cases.
      else if (name === 'customerRef') out[name] = 'cust_fuzz_privacy';
      // A shipped brand: the published SLAs (GET /v1/policies/{brand}) are read, never changed.
      else if (name === 'brand') out[name] = 'uoozee';
      else throw new Error(`fuzz: no live value for {${name}} of ${opKey}: add its case kind to test/support/fuzz/live-cases.ts`);
    }
    return out;
  }
}
