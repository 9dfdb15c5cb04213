import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { ReadModelSealer } from '../../persistence/read-model-sealer';
import { SubjectHasher } from '../../temporal/case-subject';
import { Problem } from '../problem/problem';

/** Cases per query page: the export streams page by page, so its memory does not grow with the subject's history. */
const PAGE = 100;

/**
 * What the export covers, said in the document itself, so the subject and the privacy office read
 * the same rule. Kept in step with the erasure (erasure.service.ts `casesOf`).
 */
export const EXPORT_COVERS = {
  tickets: 'tickets opened for the subject’s customer reference, with every event (their messages and the agents’ replies), playback check results and notifications about them',
  billingCases:
    'refunds and failed renewals opened for the subject’s reference (a dunning case carries the gateway customer ID), chargebacks on the charges of the subject’s refunds, each with its events and CRM updates',
  takedowns: 'takedown notices whose notifier e-mail address is the subject, with their events and the messages sent about them',
  references: 'customer_ref columns hold the subject’s pseudonym (subject:…), not the reference (a ticket’s or refund’s snapshot carries the reference itself)',
  slaCredits: 'SLA credits owed to the subject (Enterprise contracts)',
  notCovered: 'incidents (they name no customer); access and erasure logs (records about staff actions, kept as evidence)',
} as const;

/** Export section names, also the access-log entry's `fields`. */
export const EXPORT_SECTIONS = ['tickets', 'ticketEvents', 'ticketChecks', 'notifications', 'billingCases', 'billingCaseEvents', 'crmUpdates', 'takedowns', 'takedownEvents', 'takedownCommunications', 'slaCredits'] as const;

type Row = Record<string, unknown>;

/** The cases the API opened for the subject: it records the subject's hash on each case's key (src/temporal/case-subject.interceptor.ts). */
const subjectCases = (hashParam: string) => `SELECT case_id FROM case_keys WHERE subject_hash = ${hashParam}`;

/**
 * Which tickets and billing cases are a data subject's, as SQL conditions over a table alias:
 * the export's and the customer view's (src/api/customers/customer-view.service.ts) one rule.
 * `refs` is the placeholder of ReadModelSealer.refMatches(subject) (text[]), `hash` of the
 * subject's hash (SubjectHasher; NULL without PAYLOAD_ENCRYPTION_KEY, matching nothing).
 * Chargebacks name the charge, not the customer: a dispute is the subject's when one of the
 * subject's refunds names the same charge.
 */
export const SUBJECT_CASES = {
  tickets: (t: string, refs: string, hash: string) => `(${t}.customer_ref = ANY(${refs}) OR ${t}.id IN (${subjectCases(hash)}))`,
  billingCases: (b: string, refs: string, hash: string) =>
    `(${b}.customer_ref = ANY(${refs}) OR ${b}.id IN (${subjectCases(hash)})
      OR (${b}.kind = 'dispute' AND ${b}.customer_ref IN (
           SELECT r.snapshot->>'chargeId' FROM billing_cases r WHERE r.kind = 'refund' AND (r.customer_ref = ANY(${refs}) OR r.id IN (${subjectCases(hash)})))))`,
} as const;

/**
 * Each section's rows and what its parameters are. `refs`: the values a customer_ref column holds
 * for the subject (its pseudonym; the reference itself in rows written before sealing). Takedown
 * notices written before sealing name the notifier in clear. Kept in step with the erasure's casesOf.
 */
const SECTIONS = {
  tickets: { sql: `SELECT * FROM tickets t WHERE ${SUBJECT_CASES.tickets('t', '$1', '$2')}`, params: 'refs+hash' },
  billingCases: { sql: `SELECT * FROM billing_cases b WHERE ${SUBJECT_CASES.billingCases('b', '$1', '$2')}`, params: 'refs+hash' },
  takedowns: { sql: `SELECT * FROM takedowns WHERE id IN (${subjectCases('$1')}) OR lower(notice->'notifier'->>'email') = lower($2)`, params: 'hash+subject' },
  slaCredits: { sql: `SELECT * FROM sla_credits WHERE customer_ref = ANY($1)`, params: 'refs' },
} as const;

type SectionName = keyof typeof SECTIONS;

/**
 * Everything the read model holds about one data subject, as one JSON document written piece by
 * piece (GET /v1/privacy/subjects/{customerRef}/export). Reads only; personal data is stored
 * sealed under each case's key and opened here, page by page (an erased case reads "[erased]").
 */
@Injectable()
export class PrivacyExportService {
  private readonly hasher?: SubjectHasher;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sealer: ReadModelSealer,
    config: AppConfig,
  ) {
    if (config.PAYLOAD_ENCRYPTION_KEY) this.hasher = SubjectHasher.fromBase64(config.PAYLOAD_ENCRYPTION_KEY);
  }

  private paramsOf(name: SectionName, subject: string): unknown[] {
    const refs = this.sealer.refMatches(subject);
    const hash = this.hasher?.hash(subject) ?? null;
    switch (SECTIONS[name].params) {
      case 'refs+hash':
        return [refs, hash];
      case 'hash+subject':
        return [hash, subject];
      case 'refs':
        return [refs];
    }
  }

  /** A reference or e-mail address: 1–320 characters, no control characters (it is matched, never interpreted). */
  static checkSubject(ref: string): string {
    // eslint-disable-next-line no-control-regex
    if (ref.length === 0 || ref.length > 320 || /[\u0000-\u001f\u007f]/.test(ref)) {
      throw Problem.validation([{ field: 'path:customerRef', message: 'a customer reference or e-mail address of 1 to 320 characters, without control characters' }]);
    }
    return ref;
  }

  /** Whether any section of the document would hold a row (the same conditions as document()). */
  async holdsAnything(subject: string): Promise<boolean> {
    for (const name of Object.keys(SECTIONS) as SectionName[]) {
      const [row]: { held: boolean }[] = await this.dataSource.query(`SELECT EXISTS (${SECTIONS[name].sql}) AS held`, this.paramsOf(name, subject));
      if (row.held) return true;
    }
    return false;
  }

  /** The document, as chunks of JSON text; the caller streams them. */
  async *document(subject: string, now = new Date()): AsyncGenerator<string> {
    yield `{"subject":${JSON.stringify(subject)},"generatedAt":${JSON.stringify(now.toISOString())},"covers":${JSON.stringify(EXPORT_COVERS)}`;
    yield* this.section('tickets', SECTIONS.tickets.sql, this.paramsOf('tickets', subject), async (ids) => ({
      events: await this.byCase(`SELECT * FROM ticket_events WHERE ticket_id = ANY($1) ORDER BY ticket_id, seq NULLS FIRST, id`, ids, 'ticket_id'),
      checks: await this.byCase(`SELECT * FROM ticket_checks WHERE ticket_id = ANY($1) ORDER BY ticket_id, checked_at`, ids, 'ticket_id'),
      notifications: await this.byCase(`SELECT * FROM notifications WHERE ticket_id = ANY($1) ORDER BY ticket_id, created_at`, ids, 'ticket_id'),
    }));
    yield* this.section(
      'billingCases',
      SECTIONS.billingCases.sql,
      this.paramsOf('billingCases', subject),
      async (ids) => ({
        events: await this.byCase(`SELECT * FROM billing_case_events WHERE case_id = ANY($1) ORDER BY case_id, seq NULLS FIRST, id`, ids, 'case_id'),
        crmUpdates: await this.byCase(`SELECT * FROM crm_updates WHERE case_id = ANY($1) ORDER BY case_id, created_at`, ids, 'case_id'),
        notifications: await this.byCase(`SELECT * FROM notifications WHERE ticket_id = ANY($1) ORDER BY ticket_id, created_at`, ids, 'ticket_id'),
      }),
    );
    yield* this.section('takedowns', SECTIONS.takedowns.sql, this.paramsOf('takedowns', subject), async (ids) => ({
      events: await this.byCase(`SELECT * FROM takedown_events WHERE case_id = ANY($1) ORDER BY case_id, seq NULLS FIRST, id`, ids, 'case_id'),
      communications: await this.byCase(`SELECT * FROM takedown_communications WHERE case_id = ANY($1) ORDER BY case_id, sent_at`, ids, 'case_id'),
    }));
    yield* this.section('slaCredits', SECTIONS.slaCredits.sql, this.paramsOf('slaCredits', subject), null, 'key');
    yield '}';
  }

  /**
   * One array of the document: the rows of `query` (keyset-paged on `keyColumn`), each with what
   * `attach` finds for its page.
   */
  private async *section(
    name: string,
    query: string,
    params: unknown[],
    attach: ((ids: string[]) => Promise<Record<string, Map<string, Row[]>>>) | null,
    keyColumn = 'id',
  ): AsyncGenerator<string> {
    yield `,${JSON.stringify(name)}:[`;
    let after: string | null = null;
    let first = true;
    for (;;) {
      const n = params.length;
      const rows: Row[] = await this.sealer.open(
        (await this.dataSource.query(
          `SELECT * FROM (${query}) page WHERE ($${n + 1}::text IS NULL OR page.${keyColumn} > $${n + 1}) ORDER BY page.${keyColumn} LIMIT ${PAGE}`,
          [...params, after],
        )) as Row[],
      );
      if (rows.length === 0) break;
      const ids = rows.map((r) => String(r[keyColumn]));
      const attached = attach ? await attach(ids) : {};
      for (const row of rows) {
        const extra = Object.fromEntries(Object.entries(attached).map(([key, byCase]) => [key, byCase.get(String(row[keyColumn])) ?? []]));
        yield `${first ? '' : ','}${JSON.stringify({ ...row, ...extra })}`;
        first = false;
      }
      if (rows.length < PAGE) break;
      after = ids[ids.length - 1];
    }
    yield ']';
  }

  private async byCase(query: string, ids: string[], caseColumn: string): Promise<Map<string, Row[]>> {
    const rows: Row[] = await this.sealer.open((await this.dataSource.query(query, [ids])) as Row[]);
    const byCase = new Map<string, Row[]>();
    for (const row of rows) {
      const key = String(row[caseColumn]);
      byCase.set(key, [...(byCase.get(key) ?? []), row]);
    }
    return byCase;
  }
}
