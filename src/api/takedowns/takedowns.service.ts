import { Injectable } from '@nestjs/common';
import { Client, UpdateDefinition } from '@temporalio/client';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { PolicyRegistry } from '../../config/policy-registry';
import { TAKEDOWN_ROLE, TakedownDecision } from '../../domain/takedown/case';
import { ISO_COUNTRIES, parseTakedownNotice, TakedownNotice, TakedownNoticeError } from '../../domain/takedown/notice';
import { CARD_DATA_POLICY } from '../../domain/card-data-policy';
import { guardCardData } from '../card-data/card-data.pipe';
import { assessCompleteness, Completeness, IntakeRoute, intakeRoute, Regime, regimesForNotice } from '../../domain/takedown/regime';
import { pinTakedownCasePolicy, TakedownCasePolicy } from '../../domain/takedown/takedown-policy';
import { preservationWorkflow, takedownWorkflow } from '../../workflows';
import { extendPreservationUpdate, preservationStatusQuery, PreservationView } from '../../workflows/takedown/preservation-messages';
import {
  applyDecisionUpdate,
  assignReviewerUpdate,
  closeTakedownUpdate,
  complaintUpdate,
  counterNoticeUpdate,
  decideTakedownUpdate,
  informationReceivedUpdate,
  noteTakedownUpdate,
  requestInformationUpdate,
  reverseDecisionUpdate,
  suitFiledUpdate,
  TakedownActorRef,
  takedownStatusQuery,
  TakedownView,
  upholdDecisionUpdate,
} from '../../workflows/takedown/messages';
import type { Principal } from '../auth/principal';
import { admitRequest } from '../idempotency/admit-request';
import { Problem } from '../problem/problem';
import { caseEndOf } from '../../temporal/case-end';
import { caseGone, EndedView, markEnded } from '../temporal/ended-case';
import { readOnceStarted } from '../temporal/with-timeout';
import { CaseClient } from '../cases/case-client';
import { TakedownReads, type TakedownQueueFilter } from '../../persistence/read/takedown-reads';
import type { CounterNoticeDto, DecideTakedownDto, ListTakedownNotesQuery, ListTakedownsQuery, RecordPreservationDto } from './takedown.dto';
import { caseNotesPage } from '../input/seq-cursor';
import { TakedownNotesPage } from './takedown-notes';
import { ReadModelSealer } from '../../persistence/read-model-sealer';

/** What the notifier gets back at once: proof of receipt, and what happens next. */
export interface TakedownReceipt {
  caseId: string;
  receivedAt: string;
  status: IntakeRoute;
  regimes: Regime[];
  /** needs_info and rejected: the notice fields missing, by dotted path. */
  missing: string[];
  reason: string;
}

/** What legal staff read: the workflow's view, plus the notifier's contact from the stored notice and the case's preservation holds. */
export type TakedownCaseRead = TakedownView & { notifier: TakedownNotice['notifier'] | null; preservations: PreservationView[] };

/** The pack's numbers when a pack predates preservation holds: 18 U.S.C. §2703(f)'s 90 + 90 days. */
const DAY_MS = 86_400_000;
const DEFAULT_PRESERVATION = { holdMs: 90 * DAY_MS, extendByMs: 90 * DAY_MS, remindBeforeMs: [14 * DAY_MS, 3 * DAY_MS] };

const TRUSTED_ROLES = ['trusted_flagger', 'authority'];

/**
 * Starts and steers takedown case workflows; reads the takedown read model and history. The read
 * model holds the notifier's data sealed under the case's key (activities/takedowns.ts): every row
 * read here is opened before it is answered (an erased case's reads "[erased]").
 */
@Injectable()
export class TakedownsService {
  constructor(
    private readonly temporal: Client,
    private readonly config: AppConfig,
    private readonly policies: PolicyRegistry,
    private readonly dataSource: DataSource,
    private readonly sealer: ReadModelSealer,
    private readonly cases: CaseClient,
    private readonly takedowns: TakedownReads,
  ) {}

  /** The brand named, or the only brand with a takedown policy. */
  policyFor(brand: string | undefined): TakedownCasePolicy {
    const withTakedowns = this.policies.brands().filter((b) => this.policies.find(b)?.takedowns);
    const chosen = brand ?? (withTakedowns.length === 1 ? withTakedowns[0] : undefined);
    if (chosen === undefined) throw Problem.validation([{ field: 'query:brand', message: `name the brand; brands taking takedown notices: ${withTakedowns.join(', ')}` }]);
    const pack = this.policies.find(chosen);
    if (!pack?.takedowns) {
      throw Problem.validation([{ field: 'query:brand', message: `no takedown policy for "${chosen}"; known: ${withTakedowns.join(', ')}` }], 422);
    }
    return pinTakedownCasePolicy(pack);
  }

  /**
   * Intake: the notice is checked for shape (400 naming each field), then judged per regime its
   * jurisdictions fall under; the case workflow takes the route (triage / needs_info / rejected).
   * A notice that is well-formed but legally insufficient is still a case: recorded, answered
   * and counted in the transparency report.
   */
  async intake(body: unknown, brand: string | undefined, idempotencyKey: string | undefined, caller: Principal | undefined): Promise<{ receipt: TakedownReceipt; replayed: boolean }> {
    let notice: TakedownNotice;
    try {
      notice = parseTakedownNotice(body);
    } catch (err) {
      if (err instanceof TakedownNoticeError) throw Problem.validation(err.issues.map((i) => ({ field: i.field, message: i.message })));
      throw err;
    }
    // The notice is no DTO, so the global card-data pipe does not see it: the same guard, here.
    notice = guardCardData(CARD_DATA_POLICY.TakedownNotice, notice);
    const policy = this.policyFor(brand);
    const regimes = regimesForNotice(notice, policy.regimeConfig);
    const assessments = regimes.map((r) => assessCompleteness(notice, r));
    const route = intakeRoute(assessments);
    const receivedAt = Date.now();
    // Partners may retry with the same Idempotency-Key; the public form always opens a new case.
    const seed = caller && idempotencyKey !== undefined ? `${caller.keyId}\u0000${idempotencyKey}` : randomUUID();
    const caseId = `takedown-${createHash('sha256').update(seed).digest('hex').slice(0, 26)}`;
    // The notice as parsed (not as spelled), for the brand it was filed with.
    if (caller && idempotencyKey !== undefined) await admitRequest(this.dataSource, caseId, { brand: policy.brand, notice });
    const { replayed } = await this.cases.start(takedownWorkflow, {
      workflowId: caseId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // No personal data in what the Temporal UI shows unencrypted.
      staticSummary: `Takedown · ${notice.legalBasis} · ${regimes.join(' + ')} · ${notice.items.length} item(s)`,
      args: [
        {
          caseId,
          receivedAt,
          notice,
          channel: caller ? 'partner' : 'public',
          submittedBy: caller?.name ?? null,
          roleVerified: caller !== undefined && TRUSTED_ROLES.includes(notice.notifier.role),
          regimes,
          assessments,
          route,
          policy,
        },
      ],
    });
    if (replayed) {
      const view = await this.waitForView(caseId);
      return { receipt: receiptOf(caseId, Date.parse(view.receivedAt), view.intake.route, view.intake.assessments), replayed: true };
    }
    return { receipt: receiptOf(caseId, receivedAt, route, assessments), replayed: false };
  }

  private async waitForView(id: string): Promise<TakedownView> {
    return readOnceStarted(async () => (await this.read(id)).view);
  }

  /** The running workflow answers; a finished one (or a slow one) is read from the read model. */
  async read(id: string): Promise<{ view: TakedownView; source: 'workflow' | 'read-model' }> {
    return this.cases.read('takedown', id, takedownStatusQuery, async () => this.sealer.open(await this.takedowns.snapshot(id)));
  }

  async get(id: string): Promise<{ takedown: TakedownCaseRead; source: 'workflow' | 'read-model' }> {
    const { view, source } = await this.read(id);
    const rows = await this.sealer.open(await this.takedowns.notifier(id));
    return { takedown: { ...view, notifier: rows[0]?.notifier ?? null, preservations: await this.preservations(id) }, source };
  }

  // ---- authorities' preservation requests: a hold workflow per request, see preservation.workflow.ts ----

  /**
   * Records an authority's preservation request on a case and starts its hold. The hold's ID
   * comes from the case, the authority and its reference: the same request sent again finds the
   * same hold (replayed), a new reference is a new hold.
   */
  async recordPreservation(caseId: string, dto: RecordPreservationDto, caller: Principal): Promise<{ hold: PreservationView; replayed: boolean }> {
    // Starting a workflow has no validator: the case's own rule (legal staff only, not admins) is checked here.
    if (caller.role !== TAKEDOWN_ROLE) {
      throw new Problem(403, 'forbidden', 'Forbidden', `role ${caller.role} may not record a preservation request; only legal staff may act on takedowns`, { role: caller.role, action: 'preserve' });
    }
    const missing = dto.items.findIndex((i) => i.contentId === undefined && i.url === undefined);
    if (missing >= 0) throw Problem.validation([{ field: `items.${missing}`, message: 'give a contentId, a url, or both' }]);
    const { view } = await this.read(caseId);
    // A case whose workflow was terminated, timed out or failed takes no new hold either.
    const ended = (view as Partial<EndedView<TakedownView>>).ended;
    if (ended) throw caseGone('takedown', caseId, ended, { action: 'preserve' });
    const policy = this.policyFor(view.brand);
    const holdId = `preservation-${createHash('sha256').update(`${caseId}\u0000${dto.authority}\u0000${dto.reference}`).digest('hex').slice(0, 26)}`;
    // The authority's reference is this create's idempotency key: the same reference with other items is refused.
    await admitRequest(this.dataSource, holdId, dto, 'reference');
    const { replayed } = await this.cases.start(preservationWorkflow, {
      workflowId: holdId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // No personal data, and not the authority's file reference either.
      staticSummary: `Preservation hold · takedown ${caseId} · ${dto.items.length} item(s)`,
      args: [
        {
          holdId,
          caseId,
          brand: view.brand,
          authority: dto.authority,
          reference: dto.reference,
          items: dto.items.map((i) => ({ ...(i.contentId !== undefined ? { contentId: i.contentId } : {}), ...(i.url !== undefined ? { url: i.url } : {}) })),
          requestedBy: caller.name,
          requestedAt: Date.now(),
          policy: policy.clocks.preservation ?? DEFAULT_PRESERVATION,
          escalateTo: policy.escalateTo,
        },
      ],
    });
    return { hold: await readOnceStarted(() => this.readPreservation(caseId, holdId)), replayed };
  }

  /** A hold of this case: the running workflow answers; a released one is read from takedown_preservations. */
  async readPreservation(caseId: string, holdId: string): Promise<PreservationView> {
    const { view: hold } = await this.cases.read('preservation', holdId, preservationStatusQuery, () => this.takedowns.preservation(holdId));
    if (hold.caseId !== caseId) throw Problem.notFound('preservation hold', holdId);
    return hold;
  }

  async preservations(caseId: string): Promise<PreservationView[]> {
    const holds = await this.takedowns.preservationsOf(caseId);
    // A hold recorded as held or extended whose workflow was terminated, timed out or failed shows so.
    return Promise.all(
      holds.map(async (snapshot) => {
        const end = snapshot.state === 'released' ? undefined : await caseEndOf(this.temporal, snapshot.id);
        return end ? markEnded(snapshot, 'state', end) : snapshot;
      }),
    );
  }

  /** The authority renewed its request: the hold runs one more period, once (a second is a 409 naming the state). */
  async extendPreservation(caseId: string, holdId: string, reference: string | undefined, caller: Principal): Promise<PreservationView> {
    await this.readPreservation(caseId, holdId);
    // Once the hold has ended (released at expiry) the 409 names its state.
    return this.cases.update('preservation', holdId, extendPreservationUpdate, [{ actor: actorOf(caller), reference: reference ?? null }], {
      recordedState: () => this.takedowns.preservationState(holdId),
      extensions: { action: 'extend' },
    });
  }

  /** The review queue: decision deadline first (undated last), then the earlier notice. */
  async list(q: ListTakedownsQuery): Promise<{ items: TakedownView[] }> {
    let dueBefore: Date | undefined;
    if (q.dueBefore !== undefined) {
      const at = Date.parse(q.dueBefore);
      if (Number.isNaN(at)) throw Problem.validation([{ field: 'query:dueBefore', message: 'not a real date' }]);
      dueBefore = new Date(at);
    }
    const rows = await this.takedowns.list({ status: q.status, assignee: q.assignee, regime: q.regime, dueBefore, limit: q.limit ?? 50 });
    return { items: (await this.sealer.open(rows)).map((r) => r.snapshot) };
  }

  /**
   * The legal desk's queue (src/api/desk/): see TakedownReads.queue. What the queue shows comes from
   * the row's clear columns, the rest from the snapshot, so a row whose snapshot lacks a field (one
   * written by an older version, or by hand) is listed rather than failing the whole page.
   */
  async queue(filter: TakedownQueueFilter): Promise<TakedownView[]> {
    const rows = await this.sealer.open(await this.takedowns.queue(filter));
    return rows.map((r) => ({
      ...r.snapshot,
      id: r.id,
      state: r.state as TakedownView['state'],
      regimes: r.regimes as TakedownView['regimes'],
      legalBasis: r.legal_basis as TakedownView['legalBasis'],
      reviewer: r.reviewer,
      receivedAt: r.received_at.toISOString(),
      nextDeadlineAt: r.next_deadline_at?.toISOString() ?? null,
      decidedAt: r.decided_at?.toISOString() ?? null,
      items: r.snapshot.items ?? [],
      decisionDue: r.snapshot.decisionDue ?? null,
    }) as TakedownView);
  }

  /**
   * The append-only history: every action with its actor and time, every clock and effect. In
   * time order; changes of one instant in the order the case applied them (`seq`; a preservation
   * hold's events and records from before numbering have none).
   */
  async history(id: string): Promise<{ items: { type: string; actor: string; occurredAt: string; seq: number | null; data: unknown }[] }> {
    await this.read(id);
    const rows = await this.sealer.open(await this.takedowns.events(id));
    return { items: rows.map((r) => ({ type: r.type, actor: r.actor, occurredAt: r.occurred_at.toISOString(), seq: r.seq === null ? null : Number(r.seq), data: r.data })) };
  }

  /** Every note of the case in full, oldest first (the view holds the latest few): keyset pages over (seq, row id). */
  async notes(id: string, q: ListTakedownNotesQuery): Promise<TakedownNotesPage> {
    this.cases.assertId('takedown', id);
    if (!(await this.takedowns.exists(id))) await this.read(id); // not recorded yet: its workflow answers, or 404
    // The page carries each note's text as stored (sealed): opened here, after paging.
    return this.sealer.open(await caseNotesPage(this.dataSource, { table: 'takedown_events', caseColumn: 'case_id' }, id, q));
  }

  // ---- legal staff's actions: each a workflow update whose validator asks the domain ---------

  assign = (id: string, reviewer: string, caller: Principal) => this.update(id, assignReviewerUpdate, [{ actor: actorOf(caller), reviewer }]);
  requestInformation = (id: string, missing: string[], message: string | undefined, caller: Principal) =>
    this.update(id, requestInformationUpdate, [{ actor: actorOf(caller), missing, message: message ?? null }]);
  informationReceived = (id: string, note: string | undefined, caller: Principal) =>
    this.update(id, informationReceivedUpdate, [{ actor: actorOf(caller), note: note ?? null }]);
  decide = (id: string, dto: DecideTakedownDto, caller: Principal) => {
    this.cases.assertId('takedown', id); // an unknown case is a 404 before its decision is checked
    return this.update(id, decideTakedownUpdate, [{ actor: actorOf(caller), decision: decisionOf(dto) }]);
  };
  apply = (id: string, authorityInformed: string | undefined, caller: Principal) =>
    this.update(id, applyDecisionUpdate, [{ actor: actorOf(caller), authorityInformed: authorityInformed ?? null }]);
  close = (id: string, caller: Principal) => this.update(id, closeTakedownUpdate, [{ actor: actorOf(caller) }]);
  counterNotice = (id: string, dto: CounterNoticeDto, caller: Principal) =>
    this.update(id, counterNoticeUpdate, [
          {
            actor: actorOf(caller),
            counterNotice: {
              signature: dto.signature,
              materialIdentification: dto.materialIdentification,
              goodFaithUnderPenaltyOfPerjury: true,
              consentToJurisdiction: true,
              subscriber: { name: dto.subscriber.name, address: dto.subscriber.address, phone: dto.subscriber.phone },
            },
          },
        ]);
  suitFiled = (id: string, court: string | undefined, caller: Principal) => this.update(id, suitFiledUpdate, [{ actor: actorOf(caller), court: court ?? null }]);
  complaint = (id: string, by: 'notifier' | 'uploader', grounds: string, caller: Principal) =>
    this.update(id, complaintUpdate, [{ actor: actorOf(caller), by, grounds }]);
  uphold = (id: string, reasons: string, caller: Principal) => this.update(id, upholdDecisionUpdate, [{ actor: actorOf(caller), reasons }]);
  reverse = (id: string, reasons: string, caller: Principal) => this.update(id, reverseDecisionUpdate, [{ actor: actorOf(caller), reasons }]);
  note = (id: string, text: string, caller: Principal) => this.update(id, noteTakedownUpdate, [{ actor: actorOf(caller), text }]);

  /** A refusal with a reason beyond the state (a time limit, the complaint reviewer being the decider, …) names it: case-problem.ts. */
  private update<A>(id: string, update: UpdateDefinition<TakedownView, [A]>, args: [A]): Promise<TakedownView> {
    // Once the workflow has ended (a final state, or a closed case past its dispute window) the 409 names its state.
    return this.cases.update('takedown', id, update, args, { recordedState: () => this.takedowns.state(id) });
  }
}

function actorOf(caller: Principal): TakedownActorRef {
  return { id: caller.name, role: caller.role };
}

function receiptOf(caseId: string, receivedAt: number, route: IntakeRoute, assessments: Completeness[]): TakedownReceipt {
  const relevant = route === 'triage' ? assessments.filter((a) => a.verdict === 'complete') : route === 'needs_info' ? assessments.filter((a) => a.verdict === 'substantially_complete') : assessments;
  return {
    caseId,
    receivedAt: new Date(receivedAt).toISOString(),
    status: route,
    regimes: assessments.map((a) => a.regime),
    missing: route === 'triage' ? [] : [...new Set(relevant.flatMap((a) => a.missing))],
    reason: relevant.map((a) => `${a.regime}: ${a.reason}`).join('; '),
  };
}

/** The reviewer's decision in the domain's terms; the domain's own check (checkDecision) runs in the validator. */
function decisionOf(dto: DecideTakedownDto): TakedownDecision {
  const countries = dto.territorialScope?.map((c) => c.toUpperCase());
  const unknown = countries?.find((c) => !ISO_COUNTRIES.has(c));
  if (unknown) throw Problem.validation([{ field: 'territorialScope', message: `"${unknown}" is not an ISO 3166-1 alpha-2 country code` }]);
  if (dto.outcome === 'restrict' && !countries) throw Problem.validation([{ field: 'territorialScope', message: 'a restriction names the countries it applies in' }]);
  if (dto.outcome !== 'no_action' && !dto.ground) throw Problem.validation([{ field: 'ground', message: 'name the legal or contractual ground of the measure' }]);
  const measure: TakedownDecision['measure'] =
    dto.outcome === 'no_action'
      ? { kind: 'no_action' }
      : dto.outcome === 'restrict' || (dto.outcome === 'escalate_safety' && countries)
        ? { kind: 'geo_restriction', countries: [...new Set(countries)] }
        : { kind: 'global_removal' };
  const endsAt = dto.endsAt === undefined ? null : Date.parse(dto.endsAt);
  if (endsAt !== null && (Number.isNaN(endsAt) || endsAt <= Date.now())) throw Problem.validation([{ field: 'endsAt', message: 'a real date-time in the future' }]);
  return {
    outcome: dto.outcome,
    measure,
    ground: dto.ground ? { kind: dto.ground.kind, reference: dto.ground.reference, explanation: dto.ground.explanation } : { kind: 'contractual', reference: '', explanation: '' },
    facts: dto.explanation,
    automatedDetection: dto.automatedDetection ?? false,
    automatedDecision: dto.automatedDecision ?? 'not_automated',
    endsAt,
  };
}
