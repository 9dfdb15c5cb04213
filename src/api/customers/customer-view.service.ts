import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import type { CustomerProfile } from '../../integrations/crm/crm-port';
import { ReadModelSealer } from '../../persistence/read-model-sealer';
import { SubjectHasher } from '../../temporal/case-subject';
import { AccessLogService } from '../access-log/access-log.service';
import type { Accessor } from '../access-log/accessor';
import { isScoped } from '../auth/case-scope';
import type { Principal } from '../auth/principal';
import { mayCall, type OperationId } from '../auth/role-table';
import { SUBJECT_CASES } from '../privacy/privacy-export.service';
import { Problem } from '../problem/problem';
import { CustomerDirectory } from './customer-directory';
import type { CustomerPageQuery } from './customer.dto';
import {
  CUSTOMER_CASE_KINDS,
  type CustomerCaseKind,
  type CustomerCaseResponse,
  type CustomerProfileResponse,
  type CustomerTimelineEventResponse,
  type CustomerTimelineResponse,
  type CustomerViewResponse,
  type ProfileStatus,
} from './customer.response';

const DEFAULT_LIMIT = 20;

/** The row of the role table that lets a caller read a kind: a kind is listed only for a role that may read it. */
const READ_OPERATION: Record<CustomerCaseKind, OperationId> = {
  ticket: 'tickets.read',
  incident: 'incidents.read',
  refund: 'refunds.read',
  dispute: 'disputes.read',
  dunning: 'dunning.read',
};
const BILLING_KINDS = ['refund', 'dispute', 'dunning'] as const satisfies readonly CustomerCaseKind[];

/** An instant as text with PostgreSQL's full (microsecond) precision, for a cursor that resumes exactly. */
const instantKey = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Query parameters numbered as they are added ($1, $2, …): a condition only adds what it uses. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

interface CaseRow {
  kind: CustomerCaseKind;
  id: string;
  brand: string;
  status: string;
  priority: string | null;
  opened_at: Date;
  opened_key: string;
  next_deadline_at: Date | null;
  sla_breached: boolean | null;
  plan: string | null;
  entitlement: string | null;
  linked: string[] | null;
  clocks: BillingClocks | null;
}

/** The clear (unsealed) parts of a billing snapshot its SLA is read from: instants and flags, no personal data. */
interface BillingClocks {
  settlement?: { breachAt?: string; breachedAt?: string | null } | null;
  internalDeadline?: string | null;
  steps?: { at?: string; done?: boolean }[] | null;
}

interface EventRow {
  case_kind: CustomerCaseKind;
  case_id: string;
  id: string;
  type: string;
  actor: string;
  occurred_at: Date;
  occurred_key: string;
  data: unknown;
}

interface ProfileAnswer {
  /** Whether the caller may be answered about this customer at all (else 404). */
  visible: boolean;
  status: ProfileStatus;
  profile: CustomerProfile | null;
}

/**
 * One customer view (issue 16 §4): the CRM profile and every case of the customer, of every kind
 * the caller's role may read, within its scope (a client key: its account's tickets; a brand's
 * agent: that brand's cases), newest first; and their events merged into one timeline. Cases are
 * the customer's by the privacy export's rule (SUBJECT_CASES: the pseudonym in customer_ref, the
 * subject hash on the case's key, chargebacks through the refunds' charge); incidents are those
 * linked to the customer's tickets the caller sees. Takedowns name no customer and are not listed.
 * A caller that sees no case and may not see the profile is answered 404, like an unknown customer.
 */
@Injectable()
export class CustomerViewService {
  private readonly hasher?: SubjectHasher;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sealer: ReadModelSealer,
    private readonly directory: CustomerDirectory,
    private readonly accessLog: AccessLogService,
    config: AppConfig,
  ) {
    if (config.PAYLOAD_ENCRYPTION_KEY) this.hasher = SubjectHasher.fromBase64(config.PAYLOAD_ENCRYPTION_KEY);
  }

  async view(customerRef: string, q: CustomerPageQuery, caller: Principal, accessor: Accessor): Promise<CustomerViewResponse> {
    const limit = q.limit ?? DEFAULT_LIMIT;
    const after = q.cursor === undefined ? null : decodeCaseCursor(q.cursor);
    const params = new Params();
    const cases = this.customerCases(customerRef, caller, params);
    const cursor = after ? `(c.opened_at, c.kind, c.id) < (${params.add(after.at)}::timestamptz, ${params.add(after.kind)}::text, ${params.add(after.id)}::text)` : 'TRUE';
    const rows: CaseRow[] = await this.dataSource.query(
      `WITH ${cases}
       SELECT c.*, ${instantKey('c.opened_at')} AS opened_key FROM customer_cases c
        WHERE ${cursor}
        ORDER BY c.opened_at DESC, c.kind DESC, c.id DESC LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = rows.slice(0, limit);
    const profile = await this.profileFor(customerRef, caller, page.length > 0 || (await this.anyCase(customerRef, caller)));
    if (!profile.visible) return this.notFound(accessor, 'customers.read', ['profile', 'cases']);

    const fields = profile.profile ? ['profile', 'cases'] : ['cases'];
    await Promise.all(page.map((c) => this.accessLog.record({ ...accessor, operation: 'customers.read', caseId: c.id, caseKind: c.kind, fields, status: 200 })));
    if (page.length === 0) await this.accessLog.record({ ...accessor, operation: 'customers.read', caseId: null, caseKind: null, fields, status: 200 });
    const last = page[page.length - 1];
    const now = Date.now();
    return {
      customerRef,
      profile: profile.profile && profileResponse(profile.profile),
      profileStatus: profile.status,
      cases: page.map((c) => caseResponse(c, now)),
      nextCursor: rows.length > limit && last ? encodeCursor([last.opened_key, last.kind, last.id]) : null,
    };
  }

  async timeline(customerRef: string, q: CustomerPageQuery, caller: Principal, accessor: Accessor): Promise<CustomerTimelineResponse> {
    const limit = q.limit ?? DEFAULT_LIMIT;
    const after = q.cursor === undefined ? null : decodeEventCursor(q.cursor);
    const params = new Params();
    const cases = this.customerCases(customerRef, caller, params);
    const cursor = after ? `(e.occurred_at, e.case_kind, e.id) < (${params.add(after.at)}::timestamptz, ${params.add(after.kind)}::text, ${params.add(after.id)}::bigint)` : 'TRUE';
    const rows: EventRow[] = await this.dataSource.query(
      `WITH ${cases},
       customer_events AS (
         SELECT 'ticket'::text AS case_kind, e.ticket_id AS case_id, e.id, e.type, e.actor, e.occurred_at, e.data
           FROM ticket_events e JOIN customer_cases c ON c.kind = 'ticket' AND c.id = e.ticket_id
         UNION ALL
         SELECT c.kind AS case_kind, e.case_id, e.id, e.type, e.actor, e.occurred_at, e.data
           FROM billing_case_events e JOIN customer_cases c ON c.kind IN ('refund', 'dispute', 'dunning') AND c.id = e.case_id
         UNION ALL
         -- An incident's links to other customers' tickets are theirs, not this customer's.
         SELECT 'incident'::text AS case_kind, e.incident_id AS case_id, e.id, e.type, e.actor, e.occurred_at, e.data
           FROM incident_events e JOIN customer_cases c ON c.kind = 'incident' AND c.id = e.incident_id
          WHERE e.type <> 'ticket_linked' OR e.data->>'ticketId' IN (SELECT id FROM customer_tickets)
       )
       SELECT e.*, ${instantKey('e.occurred_at')} AS occurred_key FROM customer_events e
        WHERE ${cursor}
        ORDER BY e.occurred_at DESC, e.case_kind DESC, e.id DESC LIMIT ${params.add(limit + 1)}`,
      params.values,
    );
    const page = rows.slice(0, limit);
    if (page.length === 0 && !(await this.anyCase(customerRef, caller))) {
      const profile = await this.profileFor(customerRef, caller, false);
      if (!profile.visible) return this.notFound(accessor, 'customers.timeline', ['events']);
    }

    const shown = new Map(page.map((e) => [e.case_id, e.case_kind]));
    await Promise.all([...shown].map(([caseId, caseKind]) => this.accessLog.record({ ...accessor, operation: 'customers.timeline', caseId, caseKind, fields: ['events'], status: 200 })));
    if (shown.size === 0) await this.accessLog.record({ ...accessor, operation: 'customers.timeline', caseId: null, caseKind: null, fields: ['events'], status: 200 });
    // Event data is sealed under each case's key; the actor is kept as recorded.
    const data = await this.sealer.open(page.map((e) => e.data));
    const last = page[page.length - 1];
    return {
      customerRef,
      events: page.map(
        (e, i): CustomerTimelineEventResponse => ({ caseKind: e.case_kind, caseId: e.case_id, type: e.type, actor: e.actor, occurredAt: new Date(e.occurred_at).toISOString(), data: data[i] }),
      ),
      nextCursor: rows.length > limit && last ? encodeCursor([last.occurred_key, last.case_kind, String(last.id)]) : null,
    };
  }

  /**
   * The CTEs `customer_tickets` (the customer's tickets in the caller's scope) and `customer_cases`
   * (one row per case the caller may see, every kind in one shape). Every value is a parameter.
   */
  private customerCases(customerRef: string, caller: Principal, params: Params): string {
    const refs = params.add(this.sealer.refMatches(customerRef));
    const hash = params.add(this.hasher?.hash(customerRef) ?? null);
    const may = (kind: CustomerCaseKind) => mayCall(caller.role, READ_OPERATION[kind]);
    // As inScope (case-scope.ts): a client key sees its account's cases only (tickets; no other kind has an account), a brand's caller that brand's.
    const scope = (alias: string, hasAccount: boolean): string => {
      if (caller.role === 'client') return hasAccount && caller.account !== undefined ? `${alias}.account_id = ${params.add(caller.account)}` : 'FALSE';
      return caller.brand !== undefined ? `${alias}.brand = ${params.add(caller.brand)}` : 'TRUE';
    };
    const branches: string[] = [];
    if (may('ticket')) {
      branches.push(`SELECT 'ticket'::text AS kind, t.id, t.brand, t.status, t.priority, t.opened_at, t.next_deadline_at, t.sla_breached, t.plan, t.entitlement, NULL::jsonb AS linked, NULL::jsonb AS clocks
                       FROM customer_tickets t`);
    }
    const billing = BILLING_KINDS.filter(may);
    if (billing.length > 0) {
      branches.push(`SELECT b.kind, b.id, b.brand, b.state AS status, NULL::text AS priority, b.opened_at, NULL::timestamptz AS next_deadline_at, NULL::boolean AS sla_breached,
                            NULL::text AS plan, NULL::text AS entitlement, NULL::jsonb AS linked,
                            jsonb_build_object('settlement', b.snapshot->'settlement', 'internalDeadline', b.snapshot->'internalDeadline', 'steps', b.snapshot->'steps') AS clocks
                       FROM billing_cases b
                      WHERE b.kind = ANY(${params.add(billing)}::text[]) AND ${scope('b', false)} AND ${SUBJECT_CASES.billingCases('b', refs, hash)}`);
    }
    if (may('incident')) {
      branches.push(`SELECT 'incident'::text AS kind, i.id, i.brand, i.status, i.priority, i.opened_at,
                            CASE WHEN jsonb_typeof(i.snapshot->'nextDeadlineAt') = 'string' THEN (i.snapshot->>'nextDeadlineAt')::timestamptz END AS next_deadline_at,
                            i.sla_breached, NULL::text AS plan, NULL::text AS entitlement,
                            (SELECT jsonb_agg(t.id ORDER BY t.id) FROM customer_tickets t WHERE i.snapshot->'linkedTickets' ? t.id) AS linked,
                            NULL::jsonb AS clocks
                       FROM incidents i
                      WHERE jsonb_typeof(i.snapshot->'linkedTickets') = 'array' AND i.snapshot->'linkedTickets' ?| ARRAY(SELECT id FROM customer_tickets)
                        AND ${scope('i', false)}`);
    }
    if (branches.length === 0) {
      branches.push(`SELECT NULL::text AS kind, NULL::text AS id, NULL::text AS brand, NULL::text AS status, NULL::text AS priority, NULL::timestamptz AS opened_at,
                            NULL::timestamptz AS next_deadline_at, NULL::boolean AS sla_breached, NULL::text AS plan, NULL::text AS entitlement, NULL::jsonb AS linked, NULL::jsonb AS clocks
                      WHERE FALSE`);
    }
    return `customer_tickets AS (
              SELECT t.id, t.brand, t.status, t.priority, t.opened_at, t.next_deadline_at, t.sla_breached, t.plan, t.entitlement
                FROM tickets t WHERE ${scope('t', true)} AND ${SUBJECT_CASES.tickets('t', refs, hash)}
            ),
            customer_cases AS (${branches.join('\n UNION ALL\n')})`;
  }

  /** Whether the caller sees any case of the customer's (a page past the last one is empty, the customer still known). */
  private async anyCase(customerRef: string, caller: Principal): Promise<boolean> {
    const params = new Params();
    const cases = this.customerCases(customerRef, caller, params);
    const [row]: { held: boolean }[] = await this.dataSource.query(`WITH ${cases} SELECT EXISTS (SELECT 1 FROM customer_cases) AS held`, params.values);
    return row.held;
  }

  /**
   * The profile, and whether the caller may be answered about the customer at all. A client key
   * sees the profile only of a customer with a ticket in its account (the CRM is not even asked
   * otherwise); a brand's agent, of a customer it has a case of or whom the CRM places at its
   * brand; an agent of every brand, always. Nothing seen and nothing to show: 404, whatever the
   * reason, so the answer tells nothing about another account's or brand's customers.
   */
  private async profileFor(customerRef: string, caller: Principal, seesACase: boolean): Promise<ProfileAnswer> {
    if (caller.role === 'client' && !seesACase) return { visible: false, status: 'unknown', profile: null };
    const answer = await this.directory.lookup(customerRef);
    if (answer.outcome === 'found') {
      const visible = seesACase || !isScoped(caller) || (caller.brand !== undefined && answer.profile.brand === caller.brand);
      return visible ? { visible, status: 'found', profile: answer.profile } : { visible, status: 'unknown', profile: null };
    }
    // Unavailable: an agent of every brand is told so; a scoped caller seeing no case is told nothing.
    return { visible: seesACase || (answer.outcome === 'unavailable' && !isScoped(caller)), status: answer.outcome, profile: null };
  }

  private async notFound(accessor: Accessor, operation: 'customers.read' | 'customers.timeline', fields: string[]): Promise<never> {
    // A probe for a customer is logged too, without the reference (an access-log entry holds IDs, never references).
    await this.accessLog.record({ ...accessor, operation, caseId: null, caseKind: null, fields, status: 404 });
    throw new Problem(404, 'not-found', 'Not found', 'no such customer, or none whose cases this key may see');
  }
}

function profileResponse(p: CustomerProfile): CustomerProfileResponse {
  return {
    customerRef: p.customerRef,
    brand: p.brand,
    plan: p.plan,
    tier: p.tier,
    region: p.region,
    contract: p.contract,
    enterprise: p.enterprise,
    company: p.company,
    csmOwnerId: p.csmOwnerId,
    source: p.source,
  };
}

const iso = (at: Date | string | null | undefined): string | null => (at === null || at === undefined ? null : new Date(at).toISOString());

function caseResponse(c: CaseRow, now: number): CustomerCaseResponse {
  const sla = c.kind === 'ticket' || c.kind === 'incident' ? { nextDeadlineAt: iso(c.next_deadline_at), slaBreached: c.sla_breached } : billingSla(c.kind, c.status, c.clocks ?? {}, now);
  return {
    kind: c.kind,
    id: c.id,
    brand: c.brand,
    status: c.status,
    priority: c.priority,
    openedAt: new Date(c.opened_at).toISOString(),
    ...sla,
    plan: c.plan,
    entitlement: c.entitlement,
    ...(c.kind === 'incident' ? { linkedTickets: c.linked ?? [] } : {}),
  };
}

/** A billing case's SLA as its workflow publishes it (refund-view.ts, dispute-view.ts, dunning-view.ts), from its snapshot. */
function billingSla(kind: CustomerCaseKind, status: string, clocks: BillingClocks, now: number): { nextDeadlineAt: string | null; slaBreached: boolean | null } {
  switch (kind) {
    case 'refund': {
      const s = clocks.settlement;
      const breached = typeof s?.breachedAt === 'string';
      return { nextDeadlineAt: status === 'settling' && !breached ? iso(s?.breachAt) : null, slaBreached: breached };
    }
    case 'dispute': {
      const open = status === 'needs_response' || status === 'evidence_staged';
      const deadline = open && typeof clocks.internalDeadline === 'string' ? clocks.internalDeadline : null;
      return { nextDeadlineAt: iso(deadline), slaBreached: deadline !== null && now > Date.parse(deadline) };
    }
    default: {
      // Dunning runs a cadence of steps, not an SLA: its next step is its next deadline.
      const next = status === 'dunning' && Array.isArray(clocks.steps) ? clocks.steps.find((s) => s && s.done === false && typeof s.at === 'string') : undefined;
      return { nextDeadlineAt: iso(next?.at), slaBreached: null };
    }
  }
}

/** The keyset (instant, kind, id) as an opaque cursor: base64url JSON, like the other lists'. */
function encodeCursor(at: [string, string, string]): string {
  return Buffer.from(JSON.stringify(at)).toString('base64url');
}

function decodeCursor(cursor: string, idPattern: RegExp): { at: string; kind: CustomerCaseKind; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      value.every((v) => typeof v === 'string') &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(value[0] as string) &&
      !Number.isNaN(Date.parse(value[0] as string)) &&
      (CUSTOMER_CASE_KINDS as readonly string[]).includes(value[1] as string) &&
      idPattern.test(value[2] as string)
    ) {
      return { at: value[0] as string, kind: value[1] as CustomerCaseKind, id: value[2] as string };
    }
  } catch {
    /* not ours: the 400 below */
  }
  throw Problem.validation([{ field: 'query:cursor', message: 'not a cursor this API issued' }]);
}

const decodeCaseCursor = (cursor: string) => decodeCursor(cursor, /^[\w.:-]{1,200}$/);
const decodeEventCursor = (cursor: string) => decodeCursor(cursor, /^\d{1,18}$/);
