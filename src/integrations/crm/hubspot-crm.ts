import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import { AssociationTypes, Client } from '@hubspot/api-client';
import { AssociationSpecAssociationCategoryEnum as NoteAssociationCategory } from '@hubspot/api-client/lib/codegen/crm/objects/notes';
import { AssociationSpecAssociationCategoryEnum as TaskAssociationCategory } from '@hubspot/api-client/lib/codegen/crm/objects/tasks';
import { CrmCase, CrmPort, CrmRefusedError, CrmTask, CrmUnavailableError, CustomerProfile } from './crm-port';

/**
 * The CRM port on HubSpot: customers are contacts (keyed by a unique property holding our
 * customerRef) with their company behind them; cases are tickets keyed by the case ID; notes and
 * tasks carry a unique key property so a retried activity never writes a second one.
 *
 * The client's own retries are off: the Temporal activities calling this retry, and two layers of
 * retries multiply. Personal data stays in HubSpot: no name or e-mail property is ever requested.
 */
export interface HubSpotCrmOptions {
  accessToken: string;
  /** Default https://api.hubapi.com. */
  baseUrl?: string;
  /** The contact property (unique) holding our customerRef. */
  customerIdProperty?: string;
  /** The ticket property (unique) holding the case ID. */
  caseIdProperty?: string;
  /** The task property (unique) holding the task's key. */
  taskKeyProperty?: string;
  /** The note property (unique) holding the note's key. */
  noteKeyProperty?: string;
  /** For one whole operation (all its requests); default 10 s. */
  timeoutMs?: number;
}

/** The entitlement properties, read from the contact first and from its company where the contact leaves them empty. */
const ENTITLEMENT = {
  brand: 'caseworks_brand',
  plan: 'caseworks_plan',
  tier: 'caseworks_tier',
  region: 'caseworks_region',
  contract: 'caseworks_contract',
  enterprise: 'caseworks_enterprise',
} as const;
const OWNER = 'hubspot_owner_id';

/** HubSpot's default ticket pipeline and its stages ('1' new, '4' closed). */
const TICKET_PIPELINE = '0';
const STAGE_NEW = '1';
const STAGE_CLOSED = '4';

/** Case statuses (of any case kind) after which nobody works the case any more. */
const FINISHED_STATUSES = new Set(['closed', 'resolved', 'paid', 'refunded', 'completed', 'complete', 'done', 'cancelled', 'canceled', 'won', 'lost', 'recovered', 'exhausted', 'rejected']);

const PRIORITIES: Record<string, 'HIGH' | 'MEDIUM' | 'LOW'> = { P1: 'HIGH', P2: 'HIGH', P3: 'MEDIUM', P4: 'LOW', S1: 'HIGH', S2: 'MEDIUM', S3: 'LOW' };

/** The default ticket pipeline's stage for a case status: closed once the case is finished, new otherwise. */
export function ticketPipelineStage(status: string): string {
  return FINISHED_STATUSES.has(status.trim().toLowerCase()) ? STAGE_CLOSED : STAGE_NEW;
}

/** hs_ticket_priority for a case priority (P1–P4, S1–S3); null for anything else. */
export function ticketPriority(priority: string | null): 'HIGH' | 'MEDIUM' | 'LOW' | null {
  return priority === null ? null : (PRIORITIES[priority.trim().toUpperCase()] ?? null);
}

/** What the client's errors carry: each generated module has its own ApiException class, so no instanceof. */
interface HubSpotHttpError {
  code: number;
  body?: { category?: string; message?: string } | null;
  headers?: Record<string, string>;
}

function isHttpError(error: unknown): error is HubSpotHttpError {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number';
}

/** The status HubSpot answered, or null when it never answered. */
function httpStatus(error: unknown): number | null {
  return isHttpError(error) ? error.code : null;
}

/** Retry-After as ms: HubSpot sends seconds; an HTTP date is honoured too. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | null {
  if (value === undefined || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Maps what the client threw to the port's errors. Messages are built only from the status,
 * HubSpot's error category and Node's error code, never from the client's own message (it embeds
 * whole bodies and headers), so neither the access token nor customer data ends up in a log.
 */
export function toCrmError(error: unknown, operation: string, signal?: AbortSignal): CrmUnavailableError | CrmRefusedError {
  if (error instanceof CrmUnavailableError || error instanceof CrmRefusedError) return error;
  if (isHttpError(error)) {
    const status = error.code;
    const category = typeof error.body?.category === 'string' ? ` (${error.body.category})` : '';
    const message = `HubSpot ${operation}: answered ${status}${category}`;
    if (status === 429) return new CrmUnavailableError(message, retryAfterMs(error.headers?.['retry-after']));
    if (status >= 500) return new CrmUnavailableError(message);
    if (status >= 400) return new CrmRefusedError(message, status);
  }
  if (signal?.aborted) return new CrmUnavailableError(`HubSpot ${operation}: no answer in time (timed out or cancelled)`);
  const code = (error as { code?: unknown } | null)?.code;
  const name = typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown error';
  return new CrmUnavailableError(`HubSpot ${operation}: not reachable (${name})`);
}

/** Anything with RequestContext.setAgent: the generated modules each declare their own class. */
interface AgentHolder {
  setAgent(agent: http.Agent | https.Agent): void;
}

/**
 * A fresh agent whose sockets die with the signal. The client's transport takes no AbortSignal,
 * but it does take a per-request agent: destroying the socket is the only way to really stop a
 * request (rather than stop waiting for it). No keep-alive, since a reused socket would not be
 * tied to the next operation's signal.
 */
function abortingAgent(secure: boolean, signal: AbortSignal): http.Agent {
  const agent = secure ? new https.Agent() : new http.Agent();
  const connect = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = connect(options, callback) as Duplex;
    const abort = () => socket.destroy(new Error('aborted'));
    if (signal.aborted) process.nextTick(abort);
    else {
      signal.addEventListener('abort', abort, { once: true });
      socket.once('close', () => signal.removeEventListener('abort', abort));
    }
    return socket;
  };
  return agent;
}

/** Per-call options for any generated API: its requests go through an agent bound to the signal. */
function callOptions(secure: boolean, signal: AbortSignal) {
  const agent = abortingAgent(secure, signal);
  return {
    middleware: [
      {
        pre: <C extends AgentHolder>(context: C): Promise<C> => {
          context.setAgent(agent);
          return Promise.resolve(context);
        },
        post: <R>(response: R): Promise<R> => Promise.resolve(response),
      },
    ],
    middlewareMergeStrategy: 'append' as const,
  };
}

type CallOptions = ReturnType<typeof callOptions>;

type Properties = Record<string, string | null | undefined>;

function filled(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : value;
}

/** The contact's value, else the company's. */
function either(contact: Properties, company: Properties | null, name: string): string | null {
  return filled(contact[name]) ?? filled(company?.[name]);
}

/** The contact's primary company, else the first one associated. */
function companyIdOf(associations: Record<string, { results: Array<{ id: string; type: string }> }> | undefined): string | null {
  const results = associations?.companies?.results ?? [];
  return (results.find((r) => r.type === 'contact_to_company') ?? results[0])?.id ?? null;
}

/** HubSpot names the record a unique-property conflict hit ("… Existing ID: 123"), when it does. */
function existingIdOf(error: unknown): string {
  const message = isHttpError(error) ? error.body?.message : undefined;
  return /Existing ID: (\d+)/i.exec(message ?? '')?.[1] ?? '';
}

export class HubSpotCrm implements CrmPort {
  readonly name = 'hubspot';
  // Private (#) so util.inspect and JSON.stringify never reach the token inside the client's configuration.
  readonly #api;
  private readonly secure: boolean;
  private readonly customerIdProperty: string;
  private readonly caseIdProperty: string;
  private readonly taskKeyProperty: string;
  private readonly noteKeyProperty: string;
  private readonly timeoutMs: number;

  constructor(options: HubSpotCrmOptions) {
    const baseUrl = (options.baseUrl ?? 'https://api.hubapi.com').replace(/\/+$/, '');
    this.secure = new URL(baseUrl).protocol === 'https:';
    this.customerIdProperty = options.customerIdProperty ?? 'caseworks_ref';
    this.caseIdProperty = options.caseIdProperty ?? 'caseworks_case_id';
    this.taskKeyProperty = options.taskKeyProperty ?? 'caseworks_task_key';
    this.noteKeyProperty = options.noteKeyProperty ?? 'caseworks_note_key';
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const client = new Client({ accessToken: options.accessToken, basePath: baseUrl, numberOfApiCallRetries: 0 });
    // Built now, not on first use: the client keeps its retry and rate-limit decorators in a
    // process-wide singleton and applies whatever is there when an API object is first built, so
    // another Client configured later (with retries) would otherwise leak into ours.
    this.#api = {
      contacts: client.crm.contacts.basicApi,
      companies: client.crm.companies.basicApi,
      tickets: client.crm.tickets.basicApi,
      ticketsBatch: client.crm.tickets.batchApi,
      notes: client.crm.objects.notes.basicApi,
      tasks: client.crm.objects.tasks.basicApi,
      associations: client.crm.associations.v4.basicApi,
    };
  }

  lookupCustomer(customerRef: string, signal?: AbortSignal): Promise<CustomerProfile | null> {
    return this.run('contact lookup', signal, async (options) => {
      const contact = await this.findContact(customerRef, [...Object.values(ENTITLEMENT), OWNER], options, ['companies']);
      if (!contact) return null;
      const companyId = companyIdOf(contact.associations);
      const company = companyId ? await this.findCompany(companyId, options) : null;
      return this.profile(customerRef, contact.properties, company);
    });
  }

  upsertCase(c: CrmCase): Promise<{ crmId: string; created: boolean }> {
    return this.run('ticket upsert', undefined, async (options) => {
      const { id, created } = await this.upsertTicket(c, options);
      // Checked on updates too: a first attempt may have created the ticket and then failed to
      // associate it, and its retry only ever sees created: false.
      if (created || !(await this.hasContact(id, options))) await this.associateContact(id, c.customerRef, options);
      return { crmId: id, created };
    });
  }

  addNote(caseId: string, key: string, text: string): Promise<void> {
    return this.run('note create', undefined, async (options) => {
      const ticket = await this.findTicket(caseId, options);
      if (!ticket) throw new CrmRefusedError('HubSpot note create: no ticket for the case (upsert the case first)', 404);
      const association = { to: { id: ticket.id }, types: [{ associationCategory: NoteAssociationCategory.HubspotDefined, associationTypeId: AssociationTypes.noteToTicket }] };
      const properties = { hs_note_body: text, hs_timestamp: new Date().toISOString(), [this.noteKeyProperty]: key };
      await this.createOnce(() => this.#api.notes.create({ properties, associations: [association] }, options));
    });
  }

  createTask(t: CrmTask): Promise<{ crmId: string; created: boolean }> {
    return this.run('task create', undefined, async (options) => {
      const contact = await this.findContact(t.customerRef, [], options);
      const associations = contact
        ? [{ to: { id: contact.id }, types: [{ associationCategory: TaskAssociationCategory.HubspotDefined, associationTypeId: AssociationTypes.taskToContact }] }]
        : [];
      const properties: Record<string, string> = {
        hs_task_subject: t.subject,
        hs_task_body: t.body,
        hs_timestamp: t.dueAt,
        hs_task_status: 'NOT_STARTED',
        [this.taskKeyProperty]: t.key,
        ...(t.ownerId ? { [OWNER]: t.ownerId } : {}),
      };
      const created = await this.createOnce(() => this.#api.tasks.create({ properties, associations }, options));
      return created.duplicate ? { crmId: existingIdOf(created.error), created: false } : { crmId: created.id, created: true };
    });
  }

  /**
   * A note as a HubSpot user wrote it (the webhook names only its ID): its text without HTML, the
   * tickets it is on, and our key when we made it (then it is our own mirror, not a change). Null: gone.
   */
  readNote(noteId: string): Promise<{ text: string; ticketIds: string[]; key: string | null } | null> {
    return this.run('note read', undefined, async (options) => {
      const note = await this.orNull(() => this.#api.notes.getById(noteId, ['hs_note_body', this.noteKeyProperty], undefined, ['tickets'], false, undefined, options));
      if (!note) return null;
      const tickets = (note.associations as Record<string, { results?: { id: string }[] }> | undefined)?.tickets?.results ?? [];
      return { text: plainText(note.properties.hs_note_body ?? ''), ticketIds: [...new Set(tickets.map((t) => t.id))], key: filled(note.properties[this.noteKeyProperty]) };
    });
  }

  /** One operation under one deadline (and the caller's signal), its failures mapped to the port's errors. */
  private async run<T>(operation: string, callerSignal: AbortSignal | undefined, work: (options: CallOptions) => Promise<T>): Promise<T> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    try {
      signal.throwIfAborted();
      return await work(callOptions(this.secure, signal));
    } catch (error) {
      throw toCrmError(error, operation, signal);
    }
  }

  private async findContact(ref: string, properties: string[], options: CallOptions, associations?: string[]) {
    return this.orNull(() => this.#api.contacts.getById(ref, properties, undefined, associations, false, this.customerIdProperty, options));
  }

  private async findCompany(id: string, options: CallOptions): Promise<Properties | null> {
    const company = await this.orNull(() => this.#api.companies.getById(id, [...Object.values(ENTITLEMENT), OWNER, 'name'], undefined, undefined, false, undefined, options));
    return company?.properties ?? null;
  }

  private async findTicket(caseId: string, options: CallOptions) {
    return this.orNull(() => this.#api.tickets.getById(caseId, [], undefined, undefined, false, this.caseIdProperty, options));
  }

  /** A 404 is an answer (no such record), not a failure. */
  private async orNull<T>(read: () => Promise<T>): Promise<T | null> {
    try {
      return await read();
    } catch (error) {
      if (httpStatus(error) === 404) return null;
      throw error;
    }
  }

  /** A 409 on the unique key property means an earlier attempt already created it. */
  private async createOnce(create: () => Promise<{ id: string }>): Promise<{ duplicate: false; id: string } | { duplicate: true; error: unknown }> {
    try {
      return { duplicate: false, id: (await create()).id };
    } catch (error) {
      if (httpStatus(error) === 409) return { duplicate: true, error };
      throw error;
    }
  }

  private profile(customerRef: string, contact: Properties, company: Properties | null): CustomerProfile {
    return {
      customerRef,
      brand: either(contact, company, ENTITLEMENT.brand),
      plan: either(contact, company, ENTITLEMENT.plan),
      tier: either(contact, company, ENTITLEMENT.tier),
      region: either(contact, company, ENTITLEMENT.region),
      contract: either(contact, company, ENTITLEMENT.contract),
      enterprise: either(contact, company, ENTITLEMENT.enterprise)?.trim().toLowerCase() === 'true',
      company: filled(company?.name),
      csmOwnerId: filled(company?.[OWNER]) ?? filled(contact[OWNER]),
      source: 'hubspot',
    };
  }

  private async upsertTicket(c: CrmCase, options: CallOptions): Promise<{ id: string; created: boolean }> {
    const properties = {
      [this.caseIdProperty]: c.caseId,
      subject: c.subject,
      hs_pipeline: TICKET_PIPELINE,
      hs_pipeline_stage: ticketPipelineStage(c.status),
      // '' clears a value HubSpot holds from an earlier upsert.
      hs_ticket_priority: ticketPriority(c.priority) ?? '',
      caseworks_kind: c.kind,
      // The case's own priority (P2, S1…): what a CRM user edits to change it (the webhook reads it back).
      caseworks_priority: c.priority ?? '',
      caseworks_customer_ref: c.customerRef,
      caseworks_sla_deadline: c.slaDeadline ?? '',
      caseworks_link: c.link,
    };
    const response = await this.#api.ticketsBatch.upsert({ inputs: [{ id: c.caseId, idProperty: this.caseIdProperty, properties }] }, options);
    const result = response.results[0];
    if (!result) {
      const category = 'errors' in response ? response.errors?.[0]?.category : undefined;
      throw new CrmRefusedError(`HubSpot ticket upsert: no result${category ? ` (${category})` : ''}`, 207);
    }
    return { id: result.id, created: result._new === true };
  }

  private async hasContact(ticketId: string, options: CallOptions): Promise<boolean> {
    const ticket = await this.#api.tickets.getById(ticketId, [], undefined, ['contacts'], false, undefined, options);
    return (ticket.associations?.contacts?.results.length ?? 0) > 0;
  }

  /** A contact HubSpot does not know (yet) leaves the ticket unassociated; a later upsert retries. */
  private async associateContact(ticketId: string, customerRef: string, options: CallOptions): Promise<void> {
    const contact = await this.findContact(customerRef, [], options);
    if (contact) await this.#api.associations.createDefault('tickets', ticketId, 'contacts', contact.id, options);
  }
}

/** A note body as HubSpot stores it (HTML from its editor) as plain text: tags dropped, entities read, whitespace folded. */
export function plainText(html: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };
  return html
    .replace(/<br\s*\/?>|<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => entities[name])
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
}
