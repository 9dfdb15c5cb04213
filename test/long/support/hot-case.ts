import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { ApiKeyService } from '../../../src/api/auth/api-key.service';
import type { StripeFake } from '../../fakes/stripe';
import { httpClient, HttpResult } from '../../support/http';
import { copyrightNotice } from '../../unit/takedown/fixtures';
import { queryOpened } from '../../support/sealed-rows';
import { StackSealing, testConfig } from '../../support/harness';
import { waitFor } from '../../support/wait-for';

/**
 * One "hot" case per kind, driven through the HTTP API the way many people work one case at once:
 * thousands of notes on an incident, replies on a ticket, notes on a takedown, evidence on a
 * dispute. Shared by the long suite (test/long) and `make bench SCENARIO=hot-case`.
 */
export const HOT_KINDS = ['incident', 'ticket', 'takedown', 'dispute'] as const;
export type HotKind = (typeof HOT_KINDS)[number];

export interface HotKeys {
  sre: string;
  agent: string;
  client: string;
  legal: string;
}

export interface HotEnv {
  baseUrl: string;
  ds: DataSource;
  client: Client;
  keys: HotKeys;
  /** The gateway fake the API and worker talk to; disputes only. */
  stripe?: StripeFake;
  /** The stack's case keys, to open what its worker sealed. Absent: this process's environment (the test run's stack). */
  sealing?: StackSealing;
}

/** One action: its HTTP answer and the text that identifies it in the read model. */
export interface Attempt {
  status: number;
  marker: string;
  body: unknown;
}

export interface HotCase {
  kind: HotKind;
  id: string;
  /** The run the case started in: the chain of runs is followed from here. */
  firstRunId: string;
  /** Sends action `i` (attempt `attempt` of it), marked so the read model can be matched. */
  act(i: number, attempt: number): Promise<Attempt>;
  /** Resolves / decides / closes the case; throws with the answer when a step is refused. */
  finish(): Promise<void>;
  /** The case's status as GET shows it. */
  status(): Promise<string>;
  /** Status GET shows once `finish` has done its work. */
  endStatus: string;
  /** Rows of this case's action in the events table: marker (null when the event does not carry one) and key. */
  recorded(): Promise<{ marker: string | null; eventKey: string; seq: string | null }[]>;
}

export async function createHotKeys(ds: DataSource): Promise<HotKeys> {
  // The customer's key belongs to an account: a client key sees its account's tickets only.
  const make = async (role: 'sre' | 'agent' | 'client' | 'legal', name: string) => (await ApiKeyService.create(ds, name, role, role === 'client' ? { account: 'hot-account' } : {})).key;
  return { sre: await make('sre', 'hot-sre'), agent: await make('agent', 'hot-agent'), client: await make('client', 'hot-customer'), legal: await make('legal', 'hot-legal') };
}

const expectStatus = (what: string, res: HttpResult, ...ok: number[]) => {
  if (!ok.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  return res;
};

async function firstRunOf(env: HotEnv, id: string): Promise<string> {
  const d = await env.client.workflow.getHandle(id).describe();
  // The server names the chain's first run; older servers do not, and then the run we see now
  // (right after the case opened, before any action) is the first.
  return d.raw.workflowExecutionInfo?.firstRunId || d.runId;
}

/** Markers are unique per test run, so a case's rows can never match another run's actions. */
const markerFor = (tag: string, i: number, attempt: number) => `${tag}-${i}-a${attempt}`;

/** Prose after the marker, so each action carries a realistic amount of text (no digits: nothing looks like a card number). */
function filler(bytes: number): string {
  const words = 'traffic drained from the edge and the origin shield is back; watching error rates before the next step. ';
  return bytes > 0 ? ` ${words.repeat(Math.ceil(bytes / words.length)).slice(0, bytes - 1)}` : '';
}

/**
 * What differs between kinds; openHotCase builds the one HotCase shape from it: open the case,
 * send marked actions to one route, finish, read the status, find the actions' rows.
 */
interface KindDriver {
  /** Opens the case (and whatever it needs first): its ID and its API path. */
  open(): Promise<{ id: string; path: string }>;
  /** Action `i`: the route under the case's path, the key it goes with and its body (the marker, then `pad`). */
  action(i: number, marker: string, pad: string): { route: string; key: string; body: unknown };
  /** Resolves / decides / closes the case. */
  finish(opened: { id: string; path: string }): Promise<void>;
  /** The key that reads the case, the field its GET shows the status in, and that status once finished. */
  viewer: string;
  statusField: 'status' | 'state';
  endStatus: string;
  /**
   * Where the actions land: the events table, its case column and event types. `data` is read
   * through the read-model sealer (what is stored sealed under the case's key is opened; SQL sees
   * ciphertext), then `marker` names the action a row carries (null: the row carries none).
   */
  events: { table: string; caseColumn: string; types: string[]; marker(data: Record<string, string | undefined>): string | null | undefined };
}

/** `textBytes`: the text each note / reply / evidence value carries after its marker (default 200). */
export async function openHotCase(kind: HotKind, env: HotEnv, { tag = `hot-${Date.now().toString(36)}`, textBytes = 200 }: { tag?: string; textBytes?: number } = {}): Promise<HotCase> {
  const http = httpClient(env.baseUrl);
  const pad = filler(textBytes);
  const driver = driverFor(kind, env, http);
  const opened = await driver.open();
  const { id, path } = opened;
  const { table, caseColumn, types, marker } = driver.events;
  return {
    kind,
    id,
    firstRunId: await firstRunOf(env, id),
    async act(i, attempt) {
      const mark = markerFor(tag, i, attempt);
      const { route, key, body } = driver.action(i, mark, pad);
      const res = await http('POST', `${path}/${route}`, { key, body });
      return { status: res.status, marker: mark, body: res.body };
    },
    finish: () => driver.finish(opened),
    status: async () => (await http('GET', path, { key: driver.viewer })).body[driver.statusField],
    endStatus: driver.endStatus,
    recorded: async () => {
      const rows = await queryOpened<{ data: Record<string, string | undefined>; eventKey: string; seq: string | null }>(
        env.ds,
        `SELECT data, event_key AS "eventKey", seq::text AS seq FROM ${table} WHERE ${caseColumn} = $1 AND type = ANY($2)`,
        [id, types],
        testConfig(env.sealing),
      );
      return rows.flatMap((r) => {
        const m = marker(r.data ?? {});
        return m === undefined ? [] : [{ marker: m, eventKey: r.eventKey, seq: r.seq }];
      });
    },
  };
}

/** The first word of a text: the marker the action put there. */
const firstWord = (text: string | undefined) => (text === undefined ? null : text.split(' ')[0]);

function driverFor(kind: HotKind, env: HotEnv, http: ReturnType<typeof httpClient>): KindDriver {
  switch (kind) {
    case 'incident':
      return {
        async open() {
          // A P1 pages: the rotation its ladder names must exist (the paging ladder fires while the notes arrive).
          expectStatus(
            'rotation',
            await http('PUT', '/v1/oncall/rotations/sre-primary', { key: env.keys.sre, body: { participants: ['ana', 'ben'], startsAt: new Date(Date.now() - 3_600_000).toISOString(), shift: '1d' } }),
            200,
          );
          const open = expectStatus('open incident', await http('POST', '/v1/incidents', { key: env.keys.sre, body: { brand: 'uoozee', priority: 'P1', title: 'Playback failing in EU', services: ['playback'] } }), 201);
          const id = open.body.id as string;
          return { id, path: `/v1/incidents/${id}` };
        },
        action: (i, marker, pad) => ({ route: 'note', key: i % 2 ? env.keys.sre : env.keys.agent, body: { text: marker + pad } }),
        async finish({ path }) {
          expectStatus('resolve', await http('POST', `${path}/resolve`, { key: env.keys.sre, body: { summary: 'rolled back the release' } }), 200);
          // A P1 closes only after its post-incident review.
          const review = {
            summary: 'A config push disabled the origin shield',
            rootCauseCategory: 'infrastructure',
            impact: { minutes: 42, affectedUsers: 18000 },
            correctiveActions: [{ action: 'Canary every deploy', owner: 'team-playback', due: '2026-12-15' }],
            costImpact: { amountMinor: 125000, currency: 'USD' },
          };
          expectStatus('review', await http('POST', `${path}/review`, { key: env.keys.sre, body: review }), 200);
          expectStatus('close', await http('POST', `${path}/close`, { key: env.keys.sre }), 200);
        },
        viewer: env.keys.sre,
        statusField: 'status',
        endStatus: 'closed',
        events: { table: 'incident_events', caseColumn: 'incident_id', types: ['note'], marker: (d) => firstWord(d.text) },
      };
    case 'ticket':
      return {
        async open() {
          // P2: every customer reply after an answer starts a next-response clock the next agent reply settles,
          // so the SLA ledger grows with the replies (and breaches/escalations fire on the test policy's seconds).
          const open = expectStatus(
            'open ticket',
            await http('POST', '/v1/tickets', { key: env.keys.client, body: { brand: 'uoozee', channel: 'email', priority: 'P2', subject: 'Buffering on every title', description: 'hot case', customerRef: 'cust_hot' } }),
            201,
          );
          const id = open.body.id as string;
          return { id, path: `/v1/tickets/${id}` };
        },
        // Agent and customer take turns (by index; concurrency mixes the order).
        action: (i, marker, pad) => ({ route: 'reply', key: i % 2 ? env.keys.client : env.keys.agent, body: { message: marker + pad } }),
        async finish({ path }) {
          expectStatus('resolve', await http('POST', `${path}/resolve`, { key: env.keys.agent, body: { resolution: 'cleared the device registration' } }), 200);
          // The test policy auto-closes after seconds: a 409 naming "closed" is the same end.
          const close = await http('POST', `${path}/close`, { key: env.keys.agent });
          if (!(close.status === 200 || (close.status === 409 && close.body.state === 'closed'))) expectStatus('close', close, 200);
        },
        viewer: env.keys.agent,
        statusField: 'status',
        endStatus: 'closed',
        events: { table: 'ticket_events', caseColumn: 'ticket_id', types: ['agent_reply', 'first_response', 'customer_reply'], marker: (d) => firstWord(d.message) },
      };
    case 'takedown':
      return {
        async open() {
          const filed = expectStatus('file notice', await http('POST', '/v1/takedowns', { body: copyrightNotice() }), 202);
          const id = filed.body.caseId as string;
          const path = `/v1/takedowns/${id}`;
          await waitFor(async () => (await http('GET', path, { key: env.keys.legal })).body?.state === 'triage', { what: `${id} in triage`, timeoutMs: 60_000 });
          expectStatus('assign', await http('POST', `${path}/assign`, { key: env.keys.legal, body: { reviewer: 'hot-legal' } }), 200);
          return { id, path };
        },
        action: (_i, marker, pad) => ({ route: 'note', key: env.keys.legal, body: { text: marker + pad } }),
        async finish({ path }) {
          const decision = { outcome: 'remove', ground: { kind: 'legal', reference: '17 U.S.C. §106(3)', explanation: 'Unlicensed distribution.' }, explanation: 'Matches the notified episode.' };
          expectStatus('decide', await http('POST', `${path}/decide`, { key: env.keys.legal, body: decision }), 200);
          expectStatus('apply', await http('POST', `${path}/apply`, { key: env.keys.legal, body: {} }), 200);
          expectStatus('close', await http('POST', `${path}/close`, { key: env.keys.legal }), 200);
        },
        viewer: env.keys.legal,
        statusField: 'state',
        endStatus: 'closed',
        events: { table: 'takedown_events', caseColumn: 'case_id', types: ['note'], marker: (d) => firstWord(d.text) },
      };
    case 'dispute': {
      const stripe = env.stripe;
      if (!stripe) throw new Error('a dispute needs the gateway fake (HotEnv.stripe)');
      let disputeId = '';
      const deliver = async (event: Record<string, unknown>) => {
        const { body, header } = stripe.signedEvent(event);
        const res = await fetch(`${env.baseUrl}/v1/webhooks/billing?brand=uoozee`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body });
        if (res.status !== 200) throw new Error(`webhook: HTTP ${res.status} ${await res.text()}`);
      };
      return {
        async open() {
          const charge = stripe.addCharge({ amount: 9999, currency: 'usd', authorizationCode: 'AUTH77', last4: '4242' });
          // The internal deadline (due_by − 48 h) an hour away: no reminder or deadline submission during the run.
          const created = stripe.addDispute({ charge: String(charge.id), reason: 'product_not_received', dueBy: Date.now() + 49 * 3_600_000 });
          disputeId = String((created.data as { object: { id: string } }).object.id);
          await deliver(created);
          const id = `dispute-${disputeId}`;
          const path = `/v1/disputes/${id}`;
          await waitFor(async () => (await http('GET', path, { key: env.keys.agent })).body?.status === 'evidence_staged', { what: `${id} staged`, timeoutMs: 60_000 });
          return { id, path };
        },
        // The checklist needs access_log, cancellation_policy and customer_communication; the case
        // submits the moment all three are in. Replacing the first two leaves it open, so the API
        // takes any number of additions (each replaces that item's value and is staged at the gateway).
        action: (i, marker, pad) => ({
          route: 'evidence',
          key: env.keys.agent,
          body: { item: i % 2 ? 'access_log' : 'cancellation_policy', value: `https://files.example/${marker}/${pad.trim().replace(/ /g, '-')}` },
        }),
        async finish({ id, path }) {
          expectStatus('last evidence item', await http('POST', `${path}/evidence`, { key: env.keys.agent, body: { item: 'customer_communication', value: 'ticket-abcdefghijklmnopqrstuvwxyz' } }), 200);
          await waitFor(async () => (await http('GET', path, { key: env.keys.agent })).body?.status === 'submitted', { what: `${id} submitted`, timeoutMs: 120_000 });
          await deliver(stripe.resolveDispute(disputeId, 'won'));
        },
        viewer: env.keys.agent,
        statusField: 'status',
        endStatus: 'won',
        // The evidence event names the item only (its value may be long); a value, when an event
        // carries one, identifies the action exactly. The last item (finish's) is no action: left out.
        events: {
          table: 'billing_case_events',
          caseColumn: 'case_id',
          types: ['evidence_added'],
          marker: (d) => ((d.item ?? '') === 'customer_communication' ? undefined : (/files\.example\/([^/]+)/.exec(d.value ?? '')?.[1] ?? null)),
        },
      };
    }
  }
}
