import { AgentsService } from '../agents/agents.service';
import { Injectable, Logger } from '@nestjs/common';
import { Client, UpdateDefinition, WorkflowNotFoundError } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { PolicyRegistry } from '../../config/policy-registry';
import type { PolicyPack } from '../../domain/policy/policy.schema';
import { UnknownPriorityError } from '../../domain/policy/resolve-targets';
import { pinTicketPolicy, PolicyFieldError, TicketPolicy } from '../../domain/policy/ticket-policy';
import { redactPersonalData, redactPostUrl } from '../../domain/redaction';
import { checkReceivedAt } from '../../domain/ticket-received-at';
import { entitlementAtIntake, planCatalogue, TicketEntitlement } from '../../domain/customer/entitlement';
import { CustomerDirectory } from '../customers/customer-directory';
import { AccountRow } from '../../persistence/entities';
import { TicketReads } from '../../persistence/read/ticket-reads';
import { ReadModelSealer } from '../../persistence/read-model-sealer';
import { ticketWorkflow } from '../../workflows';
import {
  assignUpdate,
  closeUpdate,
  csatUpdate,
  intakeUpdate,
  pendingUpdate,
  priorityUpdate,
  reopenUpdate,
  repinUpdate,
  replyUpdate,
  resolveUpdate,
  rootCauseUpdate,
  crmNoteUpdate,
  statusQuery,
  TicketView,
} from '../../workflows/ticket/messages';
import { CaseOwner, inScope, isScoped } from '../auth/case-scope';
import type { Principal } from '../auth/principal';
import { unavailableDependency } from '../resilience/dependency-errors';
import { admitRequest } from '../idempotency/admit-request';
import { actionUpdateId } from '../idempotency/action-key';
import { idempotencyKeyReused } from '../idempotency/idempotency-key';
import { Problem } from '../problem/problem';
import { CaseEnd, caseEndFrom } from '../../temporal/case-end';
import { markEnded } from '../temporal/ended-case';
import { CaseClient } from '../cases/case-client';
import { AssignDto, CreateTicketDto, CsatDto, PendingDto, PriorityDto, ReopenDto, ReplyDto, ResolveDto, RootCauseDto } from './ticket.dto';
import { isTicketId, requestHash, ticketIdFor } from './ticket-ids';
import { OpeningInput, openingFromHistory, openingView } from './opening-view';

/** A step's logged handle time, only when given: a request without it sends the update it sent before. */
const handleTime = (dto: { handleSeconds?: number }) => (dto.handleSeconds === undefined ? {} : { handleSeconds: dto.handleSeconds });

export interface OpenedTicket {
  ticket: TicketView;
  replayed: boolean;
}

/** Starts and steers ticket workflows. It never writes ticket state: the workflow does. */
@Injectable()
export class TicketsService {
  constructor(
    private readonly temporal: Client,
    private readonly config: AppConfig,
    private readonly policies: PolicyRegistry,
    private readonly dataSource: DataSource,
    private readonly sealer: ReadModelSealer,
    private readonly cases: CaseClient,
    private readonly tickets: TicketReads,
    private readonly agents: AgentsService,
    private readonly customers: CustomerDirectory,
  ) {}

  private readonly logger = new Logger(TicketsService.name);

  /** The brand's current policy, resolved for this ticket; refusals name the field. */
  pinPolicy(brand: string, priority: string, channel: CreateTicketDto['channel'], plan: string | null): TicketPolicy {
    const pack = this.packFor(brand, priority);
    try {
      const policy = pinTicketPolicy(pack, channel, plan);
      if (policy.priorities[priority].targets.firstResponse === undefined) {
        throw new PolicyFieldError('priority', `no first-response target for ${priority} via ${channel}`);
      }
      return policy;
    } catch (err) {
      if (err instanceof PolicyFieldError) throw Problem.validation([{ field: err.field, message: err.message }], 422);
      throw err;
    }
  }

  /** The brand's pack, refusing an unknown brand or priority (422 naming the field). */
  private packFor(brand: string, priority: string): PolicyPack {
    const pack = this.policies.find(brand);
    if (!pack) throw Problem.validation([{ field: 'brand', message: `unknown brand; known: ${this.policies.brands().join(', ')}` }], 422);
    if (!Object.hasOwn(pack.priorities, priority)) {
      const err = new UnknownPriorityError(brand, priority, Object.keys(pack.priorities));
      throw Problem.validation([{ field: 'priority', message: err.message }], 422);
    }
    return pack;
  }

  async open(dto: CreateTicketDto, idempotencyKey: string | undefined, caller: Principal): Promise<OpenedTicket> {
    const receivedAt = this.receivedAt(dto.receivedAt);
    // The request checked first (a plan it names must exist): a malformed request never reaches the CRM.
    // Whether that plan covers the channel is the CRM's plan's question, asked below.
    const pack = this.packFor(dto.brand, dto.priority);
    if (dto.plan !== undefined && !Object.hasOwn(pack.plans, dto.plan)) {
      throw Problem.validation([{ field: 'plan', message: `unknown plan "${dto.plan}" for ${pack.brand}; known: ${Object.keys(pack.plans).join(', ') || 'none'}` }], 422);
    }
    if (dto.channel === 'social' && !dto.socialPost) {
      throw Problem.validation([{ field: 'socialPost', message: 'a social-media ticket needs the post it came from' }], 422);
    }
    if (dto.channel !== 'social' && dto.socialPost) {
      throw Problem.validation([{ field: 'socialPost', message: 'only for channel "social"' }], 422);
    }
    const account = await this.accountFor(dto, caller);
    const { plan, entitlement } = await this.entitlement(dto, pack);
    const policy = this.pinPolicy(dto.brand, dto.priority, dto.channel, plan);
    const category = dto.category ?? 'general';
    if (category === 'playback' && policy.playbackChecklist && !dto.playback) {
      throw Problem.validation([{ field: 'playback', message: 'a playback ticket needs userId, sessionId and deviceId for the troubleshooting checklist' }], 422);
    }
    if (category !== 'playback' && dto.playback) {
      throw Problem.validation([{ field: 'playback', message: 'only for category "playback"' }], 422);
    }
    // Redacted here, before the workflow starts, so the raw post is in no history and no table.
    const socialPost = dto.socialPost ? { url: redactPostUrl(dto.socialPost.url), text: redactPersonalData(dto.socialPost.text) } : null;
    const ticketId = ticketIdFor(caller.keyId, idempotencyKey);
    // The instant, not its spelling: 17:30-06:00 and 23:30Z are the same request.
    const request = { ...dto, receivedAt: receivedAt ?? undefined };
    const hash = idempotencyKey === undefined ? requestHash(request) : await admitRequest(this.dataSource, ticketId, request);
    const input: OpeningInput = {
      ticketId,
      brand: dto.brand,
      channel: dto.channel,
      priority: dto.priority,
      plan,
      entitlement,
      subject: dto.subject,
      description: dto.description,
      customerRef: dto.customerRef,
      account,
      policy,
      socialPost,
      requestHash: hash,
      openedBy: caller.name,
      category,
      playback: dto.playback ? { userId: dto.playback.userId, sessionId: dto.playback.sessionId, deviceId: dto.playback.deviceId } : null,
      receivedAt,
      // The opening instant, chosen here: the 201 below and the workflow's first state both start from it.
      openedAt: new Date().toISOString(),
    };
    const opened = await this.cases.startOrJoin(
      'ticket',
      ticketWorkflow,
      {
        workflowId: ticketId,
        taskQueue: this.config.TEMPORAL_TASK_QUEUE,
        args: [input],
        staticSummary: `Ticket ${dto.priority} · ${pack.displayName}${plan ? ` ${plan}` : ''} · via ${dto.channel}`,
      },
      // A retry (or a twin racing the first request) joins the ticket: the workflow checks the
      // request's hash (a different request under this key is a 422) and answers its current state.
      { update: intakeUpdate, args: [{ requestHash: hash }] },
      async () => {
        const closed = await this.readModel(ticketId);
        if (closed.snapshot && closed.hash === hash) return { ticket: closed.snapshot, firstIntake: false };
        throw idempotencyKeyReused();
      },
    );
    // Started by this request: answered from the input, at the speed of the start (opening-view.ts).
    if (opened.started) return { ticket: openingView(input), replayed: false };
    return { ticket: opened.joined.ticket, replayed: true };
  }

  /**
   * The plan the ticket opens on, from the CRM by customerRef (src/domain/customer/entitlement.ts):
   * a claim the CRM contradicts is corrected; a CRM that does not answer within its budget leaves
   * the ticket on the brand's entry plan, unverified, for the workflow to settle later.
   */
  private async entitlement(dto: CreateTicketDto, pack: PolicyPack): Promise<{ plan: string | null; entitlement: TicketEntitlement }> {
    const answer = await this.customers.lookup(dto.customerRef);
    const decided = entitlementAtIntake(planCatalogue(pack), dto.channel, dto.plan ?? null, answer);
    if (!decided.ok) throw Problem.validation([{ field: decided.field, message: decided.message }], 422);
    return { plan: decided.plan, entitlement: decided.entitlement };
  }

  /**
   * The account a new ticket belongs to: a client key's own (one of its account's brand); the one
   * an agent names, checked against the accounts; or none (only agents will see it).
   */
  private async accountFor(dto: CreateTicketDto, caller: Principal): Promise<string | null> {
    if (caller.brand !== undefined && dto.brand !== caller.brand) {
      throw Problem.validation([{ field: 'brand', message: `this key works for brand ${caller.brand} only` }], 422);
    }
    if (caller.role === 'client') {
      if (caller.account === undefined) {
        throw new Problem(403, 'key-without-account', 'Key without account', 'this client key belongs to no account, so it opens and sees no tickets; use a key made for your account');
      }
      if (dto.account !== undefined && dto.account !== caller.account) {
        throw Problem.validation([{ field: 'account', message: "a client key opens tickets for its own account only" }], 422);
      }
      return caller.account;
    }
    if (dto.account === undefined) return null;
    const account = await this.dataSource.getRepository(AccountRow).findOne({ where: { id: dto.account } });
    if (!account) throw Problem.validation([{ field: 'account', message: 'no such account' }], 422);
    if (account.brand !== null && account.brand !== dto.brand) {
      throw Problem.validation([{ field: 'account', message: `account ${account.id} is a customer of brand ${account.brand}, not ${dto.brand}` }], 422);
    }
    return account.id;
  }

  /** The customer's receivedAt as a UTC ISO instant (null when not given); a bad value is a 400 naming the field. */
  private receivedAt(text: string | undefined): string | null {
    if (text === undefined) return null;
    const checked = checkReceivedAt(text, Date.now());
    if (!checked.ok) throw Problem.validation([{ field: 'receivedAt', message: checked.reason }]);
    return new Date(checked.at).toISOString();
  }

  async get(id: string): Promise<TicketView> {
    return (await this.readCase(id)).ticket;
  }

  /** A ticket the caller may see; one outside its scope (another account's, another brand's) is not found. */
  async read(id: string, caller: Principal): Promise<{ ticket: TicketView; source: 'workflow' | 'read-model' }> {
    const found = await this.readCase(id);
    if (!inScope(caller, await this.ownerOf(id, found.ticket, caller))) throw Problem.notFound('ticket', id);
    return found;
  }

  /**
   * Whose the ticket is: its view says, except for a ticket opened before accounts existed and
   * adopted into one later (POST /v1/accounts/{id}/tickets/adopt), whose account only the read
   * model's account_id knows. Looked up for a client caller of such a ticket only.
   */
  private async ownerOf(id: string, view: TicketView, caller: Principal): Promise<CaseOwner> {
    if (caller.role !== 'client' || caller.account === undefined || view.account) return view;
    return { brand: view.brand, account: (await this.tickets.accountOf(id)) ?? null };
  }

  /**
   * Refuses, as not found, an action on a ticket outside the caller's scope. Its owner comes from
   * the read model (one indexed row); a ticket not recorded yet, or PostgreSQL unreachable, asks
   * the workflow instead, so actions that need only Temporal keep working during an outage.
   */
  private async assertInScope(id: string, caller: Principal): Promise<void> {
    if (!isScoped(caller)) return;
    let owner: CaseOwner | undefined;
    try {
      owner = await this.tickets.owner(id);
    } catch (err) {
      if (unavailableDependency(err) !== 'postgresql') throw err;
    }
    owner ??= (await this.readCase(id)).ticket;
    if (!inScope(caller, owner)) throw Problem.notFound('ticket', id);
  }

  /**
   * The running workflow answers (its clocks are current to the second); a closed one, or one
   * that does not answer within QUERY_TIMEOUT_MS, is read from the read model, which holds the
   * state as of its last transition.
   */
  private async readCase(id: string): Promise<{ ticket: TicketView; source: 'workflow' | 'read-model' }> {
    if (!isTicketId(id)) throw Problem.notFound('ticket', id);
    const handle = this.temporal.workflow.getHandle(id);
    let running = false;
    let historyLength = Infinity;
    let end: CaseEnd | undefined;
    try {
      const described = await handle.describe();
      running = described.status.name === 'RUNNING';
      historyLength = described.historyLength;
      // Terminated (the server's limits, an operator), timed out or failed: the last record, marked ended.
      end = await caseEndFrom(this.temporal, described);
    } catch (err) {
      // Not found in Temporal (e.g. past retention): the read model may still know it.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    if (end) {
      const { snapshot } = await this.readModel(id);
      if (snapshot) return { ticket: markEnded(snapshot, 'status', end), source: 'read-model' };
    }
    if (running) {
      // Read straight after its 201, before its first workflow task: the opening, from its start input.
      const opening = await openingFromHistory(this.temporal, id, historyLength, Date.now());
      if (opening) return { ticket: opening, source: 'workflow' };
      // A query that fails or lags (busy worker, replay after eviction) is no reason to fail a
      // read: the read model has the state as of the last transition.
      const ticket = await this.cases.query('ticket', id, statusQuery);
      if (ticket) return { ticket, source: 'workflow' };
    }
    const { snapshot } = await this.readModel(id);
    if (!snapshot && running) {
      // It exists, but its worker has not run its first step yet (a backlog): not a 404.
      throw new Problem(503, 'ticket-starting', 'Ticket not readable yet', `ticket ${id} is starting; retry shortly`, { retryAfterSeconds: 1 });
    }
    if (!snapshot) throw Problem.notFound('ticket', id);
    return { ticket: snapshot, source: 'read-model' };
  }

  /** Refused (409 naming why) for a registered agent who may not take the ticket alone (issue 14 §4). */
  async assign(id: string, dto: AssignDto, caller: Principal, key?: string) {
    this.cases.assertId('ticket', id);
    await this.assertInScope(id, caller);
    await this.assertAgentMayTake(id, dto);
    return this.update(id, caller, actionUpdateId(caller, id, 'assign', dto, key), assignUpdate, [{ actor: caller.name, assignee: dto.assignee, ...(dto.mentor ? { mentor: dto.mentor } : {}) }]);
  }

  /**
   * The agents registry's rule for this ticket's brand. It lives in PostgreSQL: during an outage
   * the assignment goes through unchecked (logged), as assignments did before agents were
   * registered, rather than stopping all ticket work.
   */
  private async assertAgentMayTake(id: string, dto: AssignDto): Promise<void> {
    try {
      const owner = (await this.tickets.owner(id)) ?? (await this.readCase(id)).ticket;
      await this.agents.assertMayAssign(owner.brand, dto.assignee, dto.mentor ?? null, owner.category ?? null);
    } catch (err) {
      if (unavailableDependency(err) !== 'postgresql') throw err;
      this.logger.warn(`ticket ${id}: assigned without the agents registry's check (PostgreSQL unavailable)`);
    }
  }

  /** An agent's reply answers the customer; a client's (the customer's) resumes paused clocks. */
  reply(id: string, dto: ReplyDto, caller: Principal, key?: string) {
    const author = caller.role === 'client' ? 'customer' : 'agent';
    return this.update(id, caller, actionUpdateId(caller, id, 'reply', dto, key), replyUpdate, [{ actor: caller.name, author, message: dto.message, ...handleTime(dto) }]);
  }

  pending(id: string, dto: PendingDto, caller: Principal, key?: string) {
    return this.update(id, caller, actionUpdateId(caller, id, 'pending', dto, key), pendingUpdate, [{ actor: caller.name, reason: dto.reason, message: dto.message ?? null, ...handleTime(dto) }]);
  }

  priority(id: string, dto: PriorityDto, caller: Principal, key?: string) {
    return this.update(id, caller, actionUpdateId(caller, id, 'priority', dto, key), priorityUpdate, [{ actor: caller.name, priority: dto.priority, reason: dto.reason }]);
  }

  resolve(id: string, dto: ResolveDto, caller: Principal, key?: string) {
    return this.update(id, caller, actionUpdateId(caller, id, 'resolve', dto, key), resolveUpdate, [
      { actor: caller.name, resolution: dto.resolution, ...handleTime(dto), ...(dto.rootCauseTags === undefined ? {} : { rootCauseTags: dto.rootCauseTags }) },
    ]);
  }

  reopen(id: string, dto: ReopenDto, caller: Principal, key?: string) {
    return this.update(id, caller, actionUpdateId(caller, id, 'reopen', dto, key), reopenUpdate, [{ actor: caller.name, reason: dto.reason }]);
  }

  close(id: string, caller: Principal, key?: string) {
    return this.update(id, caller, actionUpdateId(caller, id, 'close', null, key), closeUpdate, [{ actor: caller.name }]);
  }

  csat(id: string, dto: CsatDto, caller: Principal, key?: string) {
    return this.update(id, caller, actionUpdateId(caller, id, 'csat', dto, key), csatUpdate, [{ actor: caller.name, score: dto.score, comment: dto.comment ?? null, ...(dto.nps === undefined ? {} : { nps: dto.nps }) }]);
  }

  /** Tags the ticket with root causes; the ticket checks them against its pinned vocabulary (422 naming tags[i]). */
  rootCause(id: string, dto: RootCauseDto, caller: Principal, key?: string) {
    return this.update(id, caller, actionUpdateId(caller, id, 'root-cause', dto, key), rootCauseUpdate, [{ actor: caller.name, tags: dto.tags }]);
  }

  /** A CRM user's note on the ticket's CRM copy (the CRM webhook), kept on the ticket's record. */
  crmNote(id: string, text: string, caller: Principal, key: string) {
    return this.update(id, caller, actionUpdateId(caller, id, 'crm-note', { text }, key), crmNoteUpdate, [{ actor: caller.name, text }]);
  }

  /** Moves an open ticket to its brand's current policy version, on the record. */
  async repin(id: string, caller: Principal, key?: string): Promise<TicketView> {
    const current = await this.get(id);
    const policy = this.pinPolicy(current.brand, current.priority, current.channel, current.plan);
    return this.update(id, caller, actionUpdateId(caller, id, 'repin', null, key), repinUpdate, [{ actor: caller.name, policy }]);
  }

  /**
   * Sends one action under one update ID, chosen here (issue 20): the case client sends it again
   * under the same ID while its outcome is undecided (retry 'undecided', update-retries.ts) and
   * maps every failure (case-problem.ts, ended-case.ts).
   */
  private async update<A>(id: string, caller: Principal, updateId: string, update: UpdateDefinition<TicketView, [A]>, args: [A]): Promise<TicketView> {
    this.cases.assertId('ticket', id);
    await this.assertInScope(id, caller);
    return this.cases.update('ticket', id, update, args, { updateId, recordedState: async () => (await this.readModel(id)).snapshot?.status });
  }

  private async readModel(id: string): Promise<{ snapshot: TicketView | null; hash: string | null }> {
    const row = await this.tickets.find(id);
    // The snapshot's personal data is sealed under the ticket's key (an erased ticket reads "[erased]").
    const stored = row?.snapshot ? await this.sealer.open(row.snapshot) : null;
    // Snapshots written before receivedAt existed: their clocks started when they opened.
    // Snapshots written before the report facts existed: no NPS, no tags, no logged handle time.
    const snapshot = stored
      ? {
          ...stored,
          receivedAt: stored.receivedAt ?? stored.openedAt,
          nps: stored.nps ?? null,
          rootCauseTags: stored.rootCauseTags ?? [],
          preventable: stored.preventable ?? null,
          handleSeconds: stored.handleSeconds ?? 0,
        }
      : null;
    return { snapshot, hash: row?.requestHash ?? null };
  }
}
