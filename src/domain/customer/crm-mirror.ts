/**
 * What a case looks like in the CRM (issue 16 §3): one CRM ticket per case, whatever its kind,
 * with status, priority and SLA deadline. Pure: the sync activity reads the read model, this says
 * what to send.
 */

/** Case kinds mirrored into the CRM: those about a customer, and the incidents their tickets join. */
export const MIRRORED_KINDS = ['ticket', 'incident', 'refund', 'dispute', 'dunning'] as const;
export type MirroredKind = (typeof MIRRORED_KINDS)[number];

/** A case's read-model row as the mirror needs it (snapshot opened). */
export interface MirrorSource {
  kind: MirroredKind;
  id: string;
  status: string;
  priority: string | null;
  snapshot: Record<string, unknown>;
}

export interface MirroredCase {
  caseId: string;
  kind: MirroredKind;
  customerRef: string;
  subject: string;
  status: string;
  priority: string | null;
  slaDeadline: string | null;
  link: string;
}

const API_PATHS: Record<MirroredKind, string> = {
  ticket: 'tickets',
  incident: 'incidents',
  refund: 'refunds',
  dispute: 'disputes',
  dunning: 'dunning',
};

const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/**
 * The CRM's copy of a case; `apiBaseUrl` without a trailing slash (publicApiUrl). The customer is the snapshot's reference (an erased case has none:
 * the CRM keeps its record without a customer); a dispute names the charge, not the customer.
 */
export function mirroredCase(source: MirrorSource, apiBaseUrl: string): MirroredCase {
  const s = source.snapshot;
  const ref = text(s.customerRef);
  const subject = text(s.subject) ?? text(s.title) ?? `${source.kind} ${source.id}`;
  return {
    caseId: source.id,
    kind: source.kind,
    customerRef: ref === null || ref === '[erased]' ? '' : ref,
    // CRM ticket subjects are short; the case itself is a link away.
    subject: subject.length > 200 ? `${subject.slice(0, 199)}…` : subject,
    status: source.status,
    priority: source.priority,
    slaDeadline: text(s.nextDeadlineAt),
    link: `${apiBaseUrl}/v1/${API_PATHS[source.kind]}/${encodeURIComponent(source.id)}`,
  };
}
