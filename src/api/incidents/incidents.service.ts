import { Injectable } from '@nestjs/common';
import { Client, UpdateDefinition, WorkflowNotFoundError } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { PolicyRegistry } from '../../config/policy-registry';
import { AlertSignal, alertFingerprint } from '../../domain/incident/alert';
import { IncidentPolicy, pinIncidentPolicy } from '../../domain/incident/incident-policy';
import { InvalidDurationError, parseDuration } from '../../domain/sla/duration';
import { alertGroupWorkflow, incidentWorkflow } from '../../workflows';
import { CaseKind } from '../../workflows/search-attributes';
import {
  acknowledgeIncidentUpdate,
  alertGroupId,
  alertGroupQuery,
  alertResolvedSignal,
  alertSignal,
  closeIncidentUpdate,
  markEnterpriseUpdate,
  incidentPriorityUpdate,
  incidentStatusQuery,
  IncidentView,
  linkTicketUpdate,
  mitigateIncidentUpdate,
  noteIncidentUpdate,
  resolveIncidentUpdate,
  reviewIncidentUpdate,
} from '../../workflows/incident/messages';
import { inScope, isScoped } from '../auth/case-scope';
import type { Principal } from '../auth/principal';
import { admitRequest } from '../idempotency/admit-request';
import { requestHash } from '../idempotency/request-hash';
import { Problem } from '../problem/problem';
import { readOnceStarted, TIMED_OUT, withDeadline } from '../temporal/with-timeout';
import { CaseClient } from '../cases/case-client';
import { IncidentReads } from '../../persistence/read/incident-reads';
import { OnCallConfig } from '../../persistence/read/oncall-config';
import { TicketReads } from '../../persistence/read/ticket-reads';
import { CreateIncidentDto, EscalationPolicyDto, IncidentPriorityDto, ListIncidentNotesQuery, ListIncidentsQuery, ReviewDto, RotationDto } from './incident.dto';
import { caseNotesPage } from '../input/seq-cursor';
import { IncidentNotesPage } from './incident-notes';


/** Starts and steers incident workflows and alert groups; reads the incident read model. */
@Injectable()
export class IncidentsService {
  constructor(
    private readonly temporal: Client,
    private readonly config: AppConfig,
    private readonly policies: PolicyRegistry,
    private readonly dataSource: DataSource,
    private readonly cases: CaseClient,
    private readonly incidents: IncidentReads,
    private readonly tickets: TicketReads,
    private readonly onCall: OnCallConfig,
  ) {}

  policyFor(brand: string, field = 'brand'): IncidentPolicy {
    const pack = this.policies.find(brand);
    if (!pack?.incidents) {
      const known = this.policies.brands().filter((b) => this.policies.find(b)?.incidents);
      throw Problem.validation([{ field, message: `no incident policy for "${brand}"; known: ${known.join(', ')}` }], 422);
    }
    return pinIncidentPolicy(pack);
  }

  /**
   * Signal-with-start on the fingerprint's alert group: concurrent alerts of one fingerprint all
   * reach one workflow, which counts them in order and opens at most one incident at a time.
   */
  async ingest(brand: string, signal: AlertSignal): Promise<{ fingerprint: string; alertGroup: string }> {
    const policy = this.policyFor(brand);
    const fingerprint = alertFingerprint(signal);
    const workflowId = alertGroupId(brand, fingerprint);
    await this.temporal.workflow.signalWithStart(alertGroupWorkflow, {
      workflowId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      args: [{ brand, fingerprint, incidentPolicy: policy }],
      signal: alertSignal,
      signalArgs: [signal],
      staticSummary: `Alerts · ${signal.kind} on ${signal.service}${signal.region ? ` (${signal.region})` : ''}`,
    });
    return { fingerprint, alertGroup: workflowId };
  }

  /**
   * The monitor says its alert cleared (PagerDuty "resolve"): the group resolves its incident.
   * The key is the one the monitor sent with its triggers, or the fingerprint we answered a
   * trigger without one with; both name the same group as the trigger (alertFingerprint).
   * `openIncident`: the incident this resolves, null when nothing was open (PagerDuty too takes
   * such an event and discards it), undefined when the group did not answer in time.
   */
  async monitorResolved(brand: string, dedupKey: string): Promise<{ fingerprint: string; alertGroup: string; openIncident: string | null | undefined }> {
    this.policyFor(brand);
    const fingerprint = alertFingerprint({ kind: 'unclassified', service: '', region: null, edge: null, dedupKey });
    const workflowId = alertGroupId(brand, fingerprint);
    const handle = this.temporal.workflow.getHandle<typeof alertGroupWorkflow>(workflowId);
    try {
      // Asked before the signal: once it lands, the group lets go of its incident.
      // Cancelled at its deadline, not left waiting on a worker that may have died (withDeadline).
      const group = await withDeadline((signal) => this.temporal.withAbortSignal(signal, () => handle.query(alertGroupQuery)), this.config.QUERY_TIMEOUT_MS);
      await handle.signal(alertResolvedSignal, { at: Date.now() });
      return { fingerprint, alertGroup: workflowId, openIncident: group === TIMED_OUT ? undefined : group.incidentId };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { fingerprint, alertGroup: workflowId, openIncident: null };
      throw err;
    }
  }

  async open(dto: CreateIncidentDto, idempotencyKey: string | undefined, caller: Principal): Promise<{ incident: IncidentView; replayed: boolean }> {
    if (caller.brand !== undefined && dto.brand !== caller.brand) {
      throw Problem.validation([{ field: 'brand', message: `this key works for brand ${caller.brand} only` }], 422);
    }
    const policy = this.policyFor(dto.brand);
    if (!Object.hasOwn(policy.priorities, dto.priority)) {
      throw Problem.validation([{ field: 'priority', message: `unknown priority for ${dto.brand}; known: ${Object.keys(policy.priorities).join(', ')}` }], 422);
    }
    const seed = idempotencyKey === undefined ? randomUUID() : `${caller.keyId}\u0000${idempotencyKey}`;
    const incidentId = `incident-${createHash('sha256').update(seed).digest('hex').slice(0, 26)}`;
    const hash = idempotencyKey === undefined ? requestHash(dto) : await admitRequest(this.dataSource, incidentId, dto);
    const { replayed } = await this.cases.start(incidentWorkflow, {
      workflowId: incidentId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `Incident ${dto.priority} · ${dto.title}`,
      args: [
        {
          incidentId,
          brand: dto.brand,
          priority: dto.priority,
          title: dto.title,
          impact: dto.impact ?? null,
          services: dto.services,
          source: 'manual',
          fingerprint: null,
          alertGroupId: null,
          alertCount: 0,
          policy,
          openedBy: caller.name,
          requestHash: hash,
          enterprise: dto.enterprise === true,
      },
    ],
  });
  const incident = await readOnceStarted(() => this.get(incidentId));
  return { incident, replayed };
}

/** An incident the caller may see (an agent of one brand: that brand's); another brand's is not found. */
async read(id: string, caller: Principal): Promise<{ incident: IncidentView; source: 'workflow' | 'read-model' }> {
  const found = await this.readCase(id);
  if (!inScope(caller, found.incident)) throw Problem.notFound('incident', id);
  return found;
}

/** The running workflow answers; a finished one (or a slow one) is read from the read model. */
private async readCase(id: string): Promise<{ incident: IncidentView; source: 'workflow' | 'read-model' }> {
  const { view, source } = await this.cases.read('incident', id, incidentStatusQuery, () => this.incidents.snapshot(id));
  return { incident: view, source };
}

private async get(id: string): Promise<IncidentView> {
  return (await this.readCase(id)).incident;
}

/** Refuses, as not found, an incident outside the caller's brand: from the read model, else the workflow. */
private async assertInScope(id: string, caller: Principal): Promise<void> {
  if (!isScoped(caller)) return;
  const brand = (await this.incidents.brand(id)) ?? (await this.get(id)).brand;
  if (!inScope(caller, { brand })) throw Problem.notFound('incident', id);
}

async list(q: ListIncidentsQuery, caller: Principal): Promise<{ items: IncidentView[] }> {
  // An agent of one brand lists that brand's incidents only (another brand asked for: an empty list).
  return { items: await this.incidents.list({ status: q.status, priority: q.priority, brand: q.brand, callerBrand: caller.brand, limit: q.limit ?? 50 }) };
}

/** The append-only history: every action with actor and time, every page and SLA event. */
async events(id: string, caller: Principal): Promise<{ items: { type: string; actor: string; occurredAt: string; data: unknown }[] }> {
  await this.read(id, caller);
  const rows = await this.incidents.events(id);
  return { items: rows.map((r) => ({ type: r.type, actor: r.actor, occurredAt: r.occurred_at.toISOString(), data: r.data })) };
}

/**
 * Every note in full, oldest first, from the read model: the incident's view shows only the
 * last few (cut to a preview) so that its history stays small however long the incident runs.
 */
async notes(id: string, q: ListIncidentNotesQuery, caller: Principal): Promise<IncidentNotesPage> {
  this.cases.assertId('incident', id);
  if (!(await this.incidents.exists(id))) await this.get(id); // not recorded yet: its workflow answers, or 404
  await this.assertInScope(id, caller);
  return caseNotesPage(this.dataSource, { table: 'incident_events', caseColumn: 'incident_id' }, id, q);
}

acknowledge = (id: string, caller: Principal) => this.update(id, caller, acknowledgeIncidentUpdate, [{ actor: caller.name }]);
note = (id: string, text: string, caller: Principal) => this.update(id, caller, noteIncidentUpdate, [{ actor: caller.name, text }]);
mitigate = (id: string, summary: string, caller: Principal) => this.update(id, caller, mitigateIncidentUpdate, [{ actor: caller.name, summary }]);
resolve = (id: string, summary: string, caller: Principal) => this.update(id, caller, resolveIncidentUpdate, [{ actor: caller.name, summary }]);
priority = (id: string, dto: IncidentPriorityDto, caller: Principal) =>
  this.update(id, caller, incidentPriorityUpdate, [{ actor: caller.name, priority: dto.priority, reason: dto.reason }]);
/** Only a ticket that exists can be linked: the incident's resolve will signal its workflow. */
linkTicket = async (id: string, ticketId: string, caller: Principal): Promise<IncidentView> => {
  this.cases.assertId('incident', id);
  await this.assertInScope(id, caller);
  if (!(await this.ticketExists(ticketId))) {
    throw new Problem(404, 'not-found', 'Not found', `ticket ${ticketId} does not exist`, { errors: [{ field: 'ticketId', message: `no ticket ${ticketId}` }] });
  }
  return this.update(id, caller, linkTicketUpdate, [{ actor: caller.name, ticketId }]);
};
review = (id: string, dto: ReviewDto, caller: Principal) =>
  this.update(id, caller, reviewIncidentUpdate, [
        {
          actor: caller.name,
          review: {
            summary: dto.summary,
            rootCauseCategory: dto.rootCauseCategory,
            impact: { minutes: dto.impact.minutes, affectedUsers: dto.impact.affectedUsers },
            correctiveActions: dto.correctiveActions.map((a) => ({ action: a.action, owner: a.owner, due: a.due })),
            costImpact: { amountMinor: dto.costImpact.amountMinor, currency: dto.costImpact.currency },
          },
        },
      ]);
close = (id: string, caller: Principal) => this.update(id, caller, closeIncidentUpdate, [{ actor: caller.name }]);
markEnterprise = (id: string, reason: string, caller: Principal) => this.update(id, caller, markEnterpriseUpdate, [{ actor: caller.name, reason }]);

/**
 * The read model first; a ticket opened a moment ago may not be recorded there yet (its intake
 * answers before the first write), so its workflow is asked before the ticket counts as unknown.
 */
private async ticketExists(ticketId: string): Promise<boolean> {
  if (await this.tickets.exists(ticketId)) return true;
  try {
    const described = await this.temporal.workflow.getHandle(ticketId).describe();
    return described.typedSearchAttributes.get(CaseKind) === 'ticket' || described.type === 'ticketWorkflow';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** One action, sent again under its ID if the server lost it at a continue-as-new hand-over (retry 'lost-update'). */
private async update<A>(id: string, caller: Principal, update: UpdateDefinition<IncidentView, [A]>, args: [A]): Promise<IncidentView> {
  this.cases.assertId('incident', id);
  await this.assertInScope(id, caller);
  return this.cases.update('incident', id, update, args, { recordedState: () => this.incidents.state(id) });
}

// ---- on-call --------------------------------------------------------------------------------

async putRotation(name: string, dto: RotationDto): Promise<{ name: string; participants: string[]; startsAt: string; shiftMs: number }> {
  const startsAt = Date.parse(dto.startsAt);
  if (Number.isNaN(startsAt)) throw Problem.validation([{ field: 'startsAt', message: 'not a real date and time' }]);
  // Shifts may be written in weeks ("1w", as documented); policy durations stop at days.
  const shiftMs = durationOf('shift', dto.shift.replace(/^(\d+)w$/, (_, n: string) => `${Number(n) * 7}d`));
  if (shiftMs < 60_000) throw Problem.validation([{ field: 'shift', message: 'at least one minute' }]);
  if (new Set(dto.participants).size !== dto.participants.length) throw Problem.validation([{ field: 'participants', message: 'a participant is listed twice' }]);
  await this.onCall.putRotation({ name, participants: dto.participants, startsAt: new Date(startsAt), shiftMs });
  return { name, participants: dto.participants, startsAt: new Date(startsAt).toISOString(), shiftMs };
}

async listRotations(): Promise<{ items: { name: string; participants: string[]; startsAt: string; shiftMs: number }[] }> {
  const rows = await this.onCall.rotations();
  return { items: rows.map((r) => ({ name: r.name, participants: r.participants, startsAt: r.startsAt.toISOString(), shiftMs: r.shiftMs })) };
}

async putEscalationPolicy(id: string, dto: EscalationPolicyDto): Promise<{ id: string; brand: string; priorities: string[]; levels: { targets: string[]; ackTimeoutMs: number }[]; loops: number }> {
  const policy = this.policyFor(dto.brand);
  const unknown = dto.priorities.find((p) => !Object.hasOwn(policy.priorities, p));
  if (unknown) throw Problem.validation([{ field: 'priorities', message: `unknown priority "${unknown}" for ${dto.brand}` }], 422);
  const levels = dto.levels.map((l, i) => ({ targets: l.targets, ackTimeoutMs: durationOf(`levels.${i}.ackTimeout`, l.ackTimeout) }));
  const bad = levels.findIndex((l) => l.ackTimeoutMs < 60_000 || l.ackTimeoutMs > 86_400_000);
  if (bad >= 0) throw Problem.validation([{ field: `levels.${bad}.ackTimeout`, message: 'must be between 1m and 1d' }]);
  const loops = dto.loops ?? 1;
  await this.onCall.putEscalationPolicy({ id, brand: dto.brand, priorities: dto.priorities, levels, loops });
  return { id, brand: dto.brand, priorities: dto.priorities, levels, loops };
}

async listEscalationPolicies(): Promise<{ items: unknown[] }> {
  return { items: await this.onCall.escalationPolicies() };
}
}

/** A duration from a request ("0h" passes the DTO's pattern but is no duration): the caller's 400, naming the field. */
function durationOf(field: string, text: string): number {
try {
  return parseDuration(text);
} catch (err) {
  if (err instanceof InvalidDurationError) throw Problem.validation([{ field, message: err.message }]);
  throw err;
}
}
