import { createHmac, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * HubSpot's CRM API for exactly the calls HubSpotCrm makes, answering as HubSpot does: Bearer
 * private-app tokens, `{ status: 'error', message, correlationId, category }` error bodies,
 * records as `{ id, properties, createdAt, updatedAt, archived, associations? }`.
 *
 * Like a HubSpot portal set up for Caseworks, each object type has a fixed property schema (an
 * unknown property or enumeration value is a 400, as HubSpot's is) and unique properties: a
 * create that repeats a unique value is a 409 naming the existing record, and only a unique
 * property can serve as idProperty. IDs come from one counter across object types, so an adapter
 * that sends a contact's ID where a ticket's belongs finds nothing instead of passing by luck.
 *
 * Failures injected with failNext stand for a proxy or rate limiter in front of the API: the
 * request does nothing. With setDelayMs the work is done at once and only the answer waits (the
 * caller that gave up never learns it landed); down(true) drops every connection unanswered.
 */
export type HubSpotObjectType = 'contacts' | 'companies' | 'tickets' | 'notes' | 'tasks';

export interface HubSpotRecord {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface HubSpotAssociation {
  fromType: HubSpotObjectType;
  fromId: string;
  toType: HubSpotObjectType;
  toId: string;
  typeId: number;
  /** A contact's primary company (HubSpot lists it twice: labeled primary and unlabeled). */
  primary?: boolean;
}

export interface HubSpotFakeRequest {
  method: string;
  /** Without the query string. */
  path: string;
  query: URLSearchParams;
  /** What the fake answered; 0 when it dropped the connection (down). */
  status: number;
  body: unknown;
  /** The caller closed the connection before the answer went out (it gave up: timeout, abort). */
  hungUp: boolean;
}

export interface HubSpotFakeOptions {
  accessToken?: string;
  /** Extra unique properties per type (a portal configured with other names). */
  uniqueProperties?: Partial<Record<HubSpotObjectType, string[]>>;
}

export interface SeedContact {
  /** The customer reference (caseworks_ref). */
  ref: string;
  properties?: Record<string, string | null>;
  /** Associated companies; the first is the primary one. */
  companyIds?: string[];
}

export interface SeedCompany {
  name?: string;
  properties?: Record<string, string | null>;
}

export interface HubSpotFake {
  url: string;
  accessToken: string;
  /** Every request in arrival order, failed and dropped ones included. */
  requests: HubSpotFakeRequest[];
  /** Returns the contact's HubSpot ID. */
  seedContact(seed: SeedContact): string;
  /** Returns the company's HubSpot ID. */
  seedCompany(seed?: SeedCompany): string;
  tickets(): HubSpotRecord[];
  notes(): HubSpotRecord[];
  tasks(): HubSpotRecord[];
  /** Every association made, one direction each (as it was asked for). */
  associations(): HubSpotAssociation[];
  requestCount(method: string, path: string | RegExp): number;
  /**
   * Answer the next n requests (those matching, when given) with this status; a 429 carries
   * Retry-After when retryAfterSeconds is given.
   */
  failNext(n: number, status: number, retryAfterSeconds?: number, match?: { method?: string; path?: RegExp }): void;
  setDelayMs(ms: number): void;
  /** Holds every answer from now on until the returned release is called (a request kept in flight for as long as a test needs). */
  hold(): () => void;
  down(isDown: boolean): void;
  /**
   * Where the portal's app sends its webhooks, and the app's client secret that signs them
   * (X-HubSpot-Signature-v3 over method + URL + body + X-HubSpot-Request-Timestamp).
   */
  subscribeWebhooks(targetUrl: string, clientSecret: string): void;
  /**
   * A HubSpot user edits a ticket: its properties change here, and one `ticket.propertyChange`
   * event per property is delivered (one signed POST). Returns the delivery as sent, for replays.
   */
  changeAsUser(ticketId: string, properties: Record<string, string>, userId: number): Promise<WebhookDelivery>;
  /**
   * A HubSpot user writes a note on a ticket in the editor (HTML body, associated to the ticket):
   * delivered as a generic `object.creation` event of type 0-46, which names only the note.
   */
  noteAsUser(ticketId: string, html: string, userId: number): Promise<WebhookDelivery>;
  /** Sends a delivery again, byte for byte (HubSpot retries a delivery it saw no 2xx for). */
  redeliver(delivery: WebhookDelivery): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
  /** As stop(): for test stacks that close their fakes. */
  close(): Promise<void>;
}

export interface WebhookDelivery {
  body: string;
  headers: Record<string, string>;
  /** The app's answer to the first attempt. */
  status: number;
  answer: unknown;
}

/** X-HubSpot-Signature-v3, as HubSpot computes it. */
export function hubSpotSignatureV3(clientSecret: string, method: string, url: string, body: string, timestamp: number): string {
  return createHmac('sha256', clientSecret).update(`${method}${url}${body}${timestamp}`).digest('base64');
}

const SINGULAR: Record<HubSpotObjectType, string> = { contacts: 'contact', companies: 'company', tickets: 'ticket', notes: 'note', tasks: 'task' };
const TYPES = Object.keys(SINGULAR) as HubSpotObjectType[];

/** The portal's schema: HubSpot's own properties plus the Caseworks custom ones. */
const SCHEMA: Record<HubSpotObjectType, string[]> = {
  contacts: ['email', 'firstname', 'lastname', 'hubspot_owner_id', 'caseworks_ref', 'caseworks_brand', 'caseworks_plan', 'caseworks_tier', 'caseworks_region', 'caseworks_contract', 'caseworks_enterprise'],
  companies: ['name', 'domain', 'hubspot_owner_id', 'caseworks_brand', 'caseworks_plan', 'caseworks_tier', 'caseworks_region', 'caseworks_contract', 'caseworks_enterprise'],
  tickets: ['subject', 'content', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_priority', 'hubspot_owner_id', 'caseworks_case_id', 'caseworks_kind', 'caseworks_priority', 'caseworks_customer_ref', 'caseworks_sla_deadline', 'caseworks_link'],
  notes: ['hs_note_body', 'hs_timestamp', 'hubspot_owner_id', 'caseworks_note_key'],
  tasks: ['hs_task_subject', 'hs_task_body', 'hs_timestamp', 'hs_task_status', 'hs_task_priority', 'hubspot_owner_id', 'caseworks_task_key'],
};

const UNIQUE: Record<HubSpotObjectType, string[]> = {
  contacts: ['caseworks_ref'],
  companies: [],
  tickets: ['caseworks_case_id'],
  notes: ['caseworks_note_key'],
  tasks: ['caseworks_task_key'],
};

/** Enumeration properties and their options ('' clears a value). */
const OPTIONS: Record<string, string[]> = {
  hs_pipeline: ['0'],
  hs_pipeline_stage: ['1', '2', '3', '4'],
  hs_ticket_priority: ['', 'LOW', 'MEDIUM', 'HIGH', 'URGENT'],
  hs_task_status: ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED'],
  hs_task_priority: ['', 'NONE', 'LOW', 'MEDIUM', 'HIGH'],
};

/** Properties HubSpot will not create a record without. */
const REQUIRED: Partial<Record<HubSpotObjectType, string[]>> = {
  tickets: ['subject', 'hs_pipeline_stage'],
  notes: ['hs_timestamp'],
  tasks: ['hs_timestamp'],
};

/** HUBSPOT_DEFINED association type IDs, by 'from→to'; the default (unlabeled) ones where a pair has several. */
const ASSOCIATION_TYPES: Record<string, number> = {
  'contacts→companies': 279,
  'companies→contacts': 280,
  'tickets→contacts': 16,
  'contacts→tickets': 15,
  'notes→tickets': 228,
  'tickets→notes': 227,
  'notes→contacts': 202,
  'tasks→contacts': 204,
  'contacts→tasks': 203,
  'tasks→tickets': 230,
};

interface Answer {
  status: number;
  json: unknown;
  headers?: Record<string, string>;
}

class HubSpotError {
  constructor(
    readonly status: number,
    readonly category: string,
    readonly message: string,
  ) {}

  answer(headers?: Record<string, string>): Answer {
    return { status: this.status, json: { status: 'error', message: this.message, correlationId: randomUUID(), category: this.category }, headers };
  }
}

const notFound = () => new HubSpotError(404, 'OBJECT_NOT_FOUND', 'resource not found');
const invalid = (message: string) => new HubSpotError(400, 'VALIDATION_ERROR', message);

export async function startHubSpotFake(options: HubSpotFakeOptions = {}): Promise<HubSpotFake> {
  const accessToken = options.accessToken ?? 'pat-eu1-00000000-0000-4000-8000-caseworksfake';
  const unique = Object.fromEntries(TYPES.map((t) => [t, [...UNIQUE[t], ...(options.uniqueProperties?.[t] ?? [])]])) as Record<HubSpotObjectType, string[]>;
  const schema = Object.fromEntries(TYPES.map((t) => [t, new Set([...SCHEMA[t], ...unique[t]])])) as Record<HubSpotObjectType, Set<string>>;
  const store = Object.fromEntries(TYPES.map((t) => [t, new Map<string, HubSpotRecord>()])) as Record<HubSpotObjectType, Map<string, HubSpotRecord>>;
  const links: HubSpotAssociation[] = [];
  const requests: HubSpotFakeRequest[] = [];
  let lastId = 100_000;
  let failures = 0;
  let failure: { status: number; retryAfterSeconds?: number; match?: { method?: string; path?: RegExp } } = { status: 500 };
  let delayMs = 0;
  /** Answers waiting for hold()'s release; null when answers go out at once. */
  let held: Array<() => void> | null = null;
  let isDown = false;

  const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

  // ── records ────────────────────────────────────────────────────────────────────────────────

  const insert = (type: HubSpotObjectType, properties: Record<string, string | null>): HubSpotRecord => {
    const now = new Date().toISOString();
    const record: HubSpotRecord = { id: String(++lastId), properties: { ...properties }, createdAt: now, updatedAt: now, archived: false };
    store[type].set(record.id, record);
    return record;
  };

  const findBy = (type: HubSpotObjectType, property: string, value: string) => [...store[type].values()].find((r) => r.properties[property] === value);

  const locate = (type: HubSpotObjectType, id: string, idProperty: string | null): HubSpotRecord | undefined => {
    if (idProperty === null || idProperty === 'hs_object_id') return store[type].get(id);
    if (!unique[type].includes(idProperty)) throw invalid(`Unable to perform lookup by non-unique ${SINGULAR[type]} property ${idProperty}`);
    return findBy(type, idProperty, id);
  };

  const validate = (type: HubSpotObjectType, properties: unknown, creating: boolean): Record<string, string> => {
    if (!isObject(properties)) throw invalid('properties must be an object');
    const problems: string[] = [];
    for (const [name, value] of Object.entries(properties)) {
      if (!schema[type].has(name)) problems.push(`Property "${name}" does not exist`);
      else if (typeof value !== 'string') problems.push(`Property "${name}" must be a string`);
      else if (OPTIONS[name] && !OPTIONS[name].includes(value)) problems.push(`${value} was not one of the allowed options for ${name}`);
    }
    if (creating) for (const name of REQUIRED[type] ?? []) if (!properties[name]) problems.push(`Property "${name}" is required`);
    if (problems.length > 0) throw invalid(`Property values were not valid: ${JSON.stringify(problems)}`);
    return properties as Record<string, string>;
  };

  /** The first record already holding one of these unique values. */
  const conflict = (type: HubSpotObjectType, properties: Record<string, string>, exceptId?: string): HubSpotError | null => {
    for (const name of unique[type]) {
      const value = properties[name];
      const other = value ? findBy(type, name, value) : undefined;
      if (other && other.id !== exceptId) {
        return new HubSpotError(409, 'CONFLICT', `A ${SINGULAR[type]} with ${name}=${value} already has that value for the unique property ${name}. Existing ID: ${other.id}`);
      }
    }
    return null;
  };

  const associate = (link: HubSpotAssociation) => {
    if (!links.some((l) => l.fromType === link.fromType && l.fromId === link.fromId && l.toType === link.toType && l.toId === link.toId)) links.push(link);
  };

  /**
   * A record's associations of one type as HubSpot's v3 read lists them: by ID, every one
   * unlabeled, the primary one once more with the plain `contact_to_company` type.
   */
  const associatedIds = (type: HubSpotObjectType, id: string, toType: HubSpotObjectType): Array<{ id: string; type: string }> => {
    const name = `${SINGULAR[type]}_to_${SINGULAR[toType]}`;
    const seen = new Map<string, boolean>();
    for (const l of links) {
      const other = l.fromType === type && l.fromId === id && l.toType === toType ? l.toId : l.toType === type && l.toId === id && l.fromType === toType ? l.fromId : null;
      if (other !== null) seen.set(other, (seen.get(other) ?? false) || l.primary === true);
    }
    return [...seen]
      .sort(([a], [b]) => Number(a) - Number(b))
      .flatMap(([otherId, primary]) => (primary ? [{ id: otherId, type: `${name}_unlabeled` }, { id: otherId, type: name }] : [{ id: otherId, type: type === 'contacts' && toType === 'companies' ? `${name}_unlabeled` : name }]));
  };

  const render = (type: HubSpotObjectType, record: HubSpotRecord, query: URLSearchParams): Record<string, unknown> => {
    const asked = listParam(query, 'properties').filter((p) => schema[type].has(p));
    const properties: Record<string, string | null> = { createdate: record.createdAt, hs_lastmodifieddate: record.updatedAt, hs_object_id: record.id };
    for (const name of asked) properties[name] = record.properties[name] ?? null;
    const associations: Record<string, unknown> = {};
    for (const toType of listParam(query, 'associations').filter(isType)) {
      const results = associatedIds(type, record.id, toType);
      if (results.length > 0) associations[toType] = { results };
    }
    return { id: record.id, properties, createdAt: record.createdAt, updatedAt: record.updatedAt, archived: record.archived, ...(Object.keys(associations).length > 0 ? { associations } : {}) };
  };

  // ── endpoints ──────────────────────────────────────────────────────────────────────────────

  const getOne = (type: HubSpotObjectType, id: string, query: URLSearchParams): Answer => {
    const record = locate(type, id, query.get('idProperty'));
    if (!record) throw notFound();
    return { status: 200, json: render(type, record, query) };
  };

  const list = (type: HubSpotObjectType, query: URLSearchParams): Answer => {
    const limit = Math.min(Number(query.get('limit') ?? 10) || 10, 100);
    const records = [...store[type].values()].sort((a, b) => Number(a.id) - Number(b.id));
    const after = query.get('after');
    const page = records.filter((r) => after === null || Number(r.id) >= Number(after)).slice(0, limit + 1);
    const next = page.length > limit ? page[limit].id : null;
    const results = page.slice(0, limit).map((r) => render(type, r, query));
    return { status: 200, json: { results, ...(next ? { paging: { next: { after: next, link: `/crm/v3/objects/${type}?after=${next}` } } } : {}) } };
  };

  const create = (type: HubSpotObjectType, body: unknown): Answer => {
    if (!isObject(body)) throw invalid('Invalid input JSON');
    const properties = validate(type, body.properties, true);
    const targets = associationTargets(type, body.associations);
    const duplicate = conflict(type, properties);
    if (duplicate) throw duplicate;
    const record = insert(type, properties);
    for (const t of targets) associate({ fromType: type, fromId: record.id, ...t });
    return { status: 201, json: render(type, record, everyProperty(record)) };
  };

  /** The `associations` of a create: each target must exist and the type must fit the pair. */
  const associationTargets = (type: HubSpotObjectType, raw: unknown): Array<{ toType: HubSpotObjectType; toId: string; typeId: number }> => {
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) throw invalid('associations must be an array');
    return raw.map((a: unknown) => {
      const toId = isObject(a) && isObject(a.to) ? String(a.to.id) : '';
      const spec = isObject(a) && Array.isArray(a.types) && isObject(a.types[0]) ? a.types[0] : {};
      const entry = Object.entries(ASSOCIATION_TYPES).find(([pair, id]) => pair.startsWith(`${type}→`) && id === spec.associationTypeId);
      if (!entry || spec.associationCategory !== 'HUBSPOT_DEFINED') throw invalid(`${String(spec.associationCategory)} ${String(spec.associationTypeId)} is not a valid association type from ${SINGULAR[type]}`);
      const toType = entry[0].split('→')[1] as HubSpotObjectType;
      if (!store[toType].has(toId)) throw invalid(`No ${SINGULAR[toType]} with ID ${toId} exists`);
      return { toType, toId, typeId: entry[1] };
    });
  };

  const batchUpsert = (type: HubSpotObjectType, body: unknown): Answer => {
    const startedAt = new Date().toISOString();
    if (!isObject(body) || !Array.isArray(body.inputs)) throw invalid('Invalid input JSON: inputs is required');
    const results = body.inputs.map((input: unknown) => {
      if (!isObject(input) || typeof input.id !== 'string' || typeof input.idProperty !== 'string') throw invalid('each input needs id and idProperty');
      if (!unique[type].includes(input.idProperty)) throw invalid(`Unable to perform update/upsert by non-unique ${SINGULAR[type]} property ${input.idProperty}`);
      const existing = findBy(type, input.idProperty, input.id);
      const properties = { ...validate(type, input.properties, !existing), [input.idProperty]: input.id };
      const duplicate = conflict(type, properties, existing?.id);
      if (duplicate) throw duplicate;
      const record = existing ?? insert(type, {});
      Object.assign(record.properties, properties);
      if (existing) record.updatedAt = new Date().toISOString();
      return { ...render(type, record, everyProperty(record)), new: !existing };
    });
    return { status: 200, json: { status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() } };
  };

  const defaultAssociation = (fromType: HubSpotObjectType, fromId: string, toType: HubSpotObjectType, toId: string): Answer => {
    const typeId = ASSOCIATION_TYPES[`${fromType}→${toType}`];
    const reverseId = ASSOCIATION_TYPES[`${toType}→${fromType}`];
    if (typeId === undefined) throw invalid(`No default association from ${SINGULAR[fromType]} to ${SINGULAR[toType]}`);
    if (!store[fromType].has(fromId) || !store[toType].has(toId)) throw notFound();
    associate({ fromType, fromId, toType, toId, typeId });
    const at = new Date().toISOString();
    const result = (from: string, to: string, id: number) => ({ from: { id: from }, to: { id: to }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: id } });
    return { status: 200, json: { status: 'COMPLETE', results: [result(fromId, toId, typeId), result(toId, fromId, reverseId)], startedAt: at, completedAt: at } };
  };

  const route = (method: string, path: string, query: URLSearchParams, body: unknown): Answer => {
    let m = /^\/crm\/v3\/objects\/([a-z]+)\/batch\/upsert$/.exec(path);
    if (m && method === 'POST' && isType(m[1])) return batchUpsert(m[1], body);
    m = /^\/crm\/v3\/objects\/([a-z]+)\/([^/]+)$/.exec(path);
    if (m && method === 'GET' && isType(m[1])) return getOne(m[1], decodeURIComponent(m[2]), query);
    m = /^\/crm\/v3\/objects\/([a-z]+)$/.exec(path);
    if (m && method === 'GET' && isType(m[1])) return list(m[1], query);
    if (m && method === 'POST' && isType(m[1])) return create(m[1], body);
    m = /^\/crm\/v4\/objects\/([a-z]+)\/([^/]+)\/associations\/default\/([a-z]+)\/([^/]+)$/.exec(path);
    if (m && method === 'PUT' && isType(m[1]) && isType(m[3])) return defaultAssociation(m[1], decodeURIComponent(m[2]), m[3], decodeURIComponent(m[4]));
    throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `No route for ${method} ${path}`);
  };

  // ── transport ──────────────────────────────────────────────────────────────────────────────

  const injected = (method: string, path: string): Answer | null => {
    if (failures === 0) return null;
    if (failure.match?.method && failure.match.method !== method) return null;
    if (failure.match?.path && !failure.match.path.test(path)) return null;
    failures--;
    const { status, retryAfterSeconds } = failure;
    if (status === 429) {
      const headers = retryAfterSeconds === undefined ? undefined : { 'retry-after': String(retryAfterSeconds) };
      return { status, headers, json: { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', correlationId: randomUUID(), policyName: 'TEN_SECONDLY_ROLLING', category: 'RATE_LIMITS' } };
    }
    const category = status === 401 ? 'INVALID_AUTHENTICATION' : status === 403 ? 'MISSING_SCOPES' : status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR';
    return new HubSpotError(status, category, status >= 500 ? 'internal error' : 'request refused').answer();
  };

  const authorized = (req: IncomingMessage) => req.headers.authorization === `Bearer ${accessToken}`;

  const handle = (req: IncomingMessage, record: HubSpotFakeRequest): Answer => {
    const early = injected(record.method, record.path);
    if (early) return early;
    if (!authorized(req)) {
      return new HubSpotError(401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview').answer();
    }
    try {
      return route(record.method, record.path, record.query, record.body);
    } catch (error) {
      if (error instanceof HubSpotError) return error.answer();
      throw error;
    }
  };

  const send = (res: ServerResponse, answer: Answer) => {
    res.writeHead(answer.status, { 'content-type': 'application/json;charset=utf-8', ...answer.headers }).end(JSON.stringify(answer.json));
  };

  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const record: HubSpotFakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, status: 0, body: parseJson(text), hungUp: false };
      res.once('close', () => (record.hungUp = !res.writableFinished));
      requests.push(record);
      if (isDown) return void req.socket.destroy();
      const answer = handle(req, record);
      record.status = answer.status;
      if (held) held.push(() => send(res, answer));
      else if (delayMs > 0) setTimeout(() => send(res, answer), delayMs).unref();
      else send(res, answer);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;

  const records = (type: HubSpotObjectType) => clone([...store[type].values()]);
  let webhook: { url: string; secret: string } | null = null;
  let lastEventId = 9_000_000;
  const post = async (headers: Record<string, string>, body: string) => {
    const res = await fetch(webhook!.url, { method: 'POST', headers, body });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  };
  /** One signed POST of these events to the subscribed app, as HubSpot batches them. */
  const deliver = async (events: object[]): Promise<WebhookDelivery> => {
    const body = JSON.stringify(events);
    const timestamp = Date.now();
    const headers = {
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': String(timestamp),
      'x-hubspot-signature-v3': hubSpotSignatureV3(webhook!.secret, 'POST', webhook!.url, body, timestamp),
      'x-hubspot-signature-version': 'v3',
    };
    const answer = await post(headers, body);
    return { body, headers, status: answer.status, answer: answer.body };
  };
  const stopServer = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections(); // held (delayed) answers must not keep the server open
    });

  return {
    url: `http://127.0.0.1:${port}`,
    accessToken,
    requests,
    seedContact({ ref, properties = {}, companyIds = [] }) {
      const contact = insert('contacts', { ...properties, caseworks_ref: ref });
      companyIds.forEach((companyId, i) => {
        if (!store.companies.has(companyId)) throw new Error(`no company ${companyId}`);
        associate({ fromType: 'contacts', fromId: contact.id, toType: 'companies', toId: companyId, typeId: i === 0 ? 1 : 279, primary: i === 0 });
      });
      return contact.id;
    },
    seedCompany({ name, properties = {} } = {}) {
      return insert('companies', { ...properties, ...(name !== undefined ? { name } : {}) }).id;
    },
    tickets: () => records('tickets'),
    notes: () => records('notes'),
    tasks: () => records('tasks'),
    associations: () => clone(links),
    requestCount: (method, path) => requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))).length,
    failNext(n, status, retryAfterSeconds, match) {
      failures = n;
      failure = { status, retryAfterSeconds, match };
    },
    setDelayMs(ms) {
      delayMs = ms;
    },
    hold() {
      const waiting: Array<() => void> = [];
      held = waiting;
      return () => {
        if (held === waiting) held = null;
        for (const answer of waiting.splice(0)) answer();
      };
    },
    down(value) {
      isDown = value;
    },
    subscribeWebhooks(targetUrl, clientSecret) {
      webhook = { url: targetUrl, secret: clientSecret };
    },
    async changeAsUser(ticketId, properties, userId) {
      if (!webhook) throw new Error('subscribeWebhooks first');
      const ticket = store.tickets.get(ticketId);
      if (!ticket) throw new Error(`no ticket ${ticketId}`);
      Object.assign(ticket.properties, properties);
      ticket.updatedAt = new Date().toISOString();
      const occurredAt = Date.now();
      const events = Object.entries(properties).map(([propertyName, propertyValue]) => ({
        eventId: ++lastEventId,
        subscriptionId: 2_120_071,
        portalId: 62_515,
        appId: 1_160_452,
        occurredAt,
        subscriptionType: 'ticket.propertyChange',
        attemptNumber: 0,
        objectId: Number(ticketId),
        propertyName,
        propertyValue,
        changeSource: 'CRM_UI',
        sourceId: `userId:${userId}`,
      }));
      return deliver(events);
    },
    async noteAsUser(ticketId, html, userId) {
      if (!webhook) throw new Error('subscribeWebhooks first');
      if (!store.tickets.has(ticketId)) throw new Error(`no ticket ${ticketId}`);
      const note = insert('notes', { hs_note_body: html, hs_timestamp: new Date().toISOString() });
      associate({ fromType: 'notes', fromId: note.id, toType: 'tickets', toId: ticketId, typeId: 228 });
      return deliver([
        { eventId: ++lastEventId, subscriptionId: 2_120_072, portalId: 62_515, appId: 1_160_452, occurredAt: Date.now(), subscriptionType: 'object.creation', attemptNumber: 0, objectId: Number(note.id), objectTypeId: '0-46', changeSource: 'CRM_UI', sourceId: `userId:${userId}` },
      ]);
    },
    redeliver: (delivery) => post(delivery.headers, delivery.body),
    stop: stopServer,
    close: stopServer,
  };
}

/** A write's answer shows every property the record holds. */
function everyProperty(record: HubSpotRecord): URLSearchParams {
  return new URLSearchParams({ properties: Object.keys(record.properties).join(',') });
}

function isType(value: string): value is HubSpotObjectType {
  return Object.hasOwn(SINGULAR, value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** HubSpot takes list parameters repeated (properties=a&properties=b) or comma-separated. */
function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
