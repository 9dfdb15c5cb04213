import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { Assignee, CaseStatus, SlaBreached, SlaNextDeadline } from '../search-attributes';
import { caseDetailsMarkdown, cell, DetailsAction } from '../../domain/ui-details';
import { customerAsRole } from './customer-actor';
import type { RefundView } from './messages';

/** Search attributes and the UI's current details of a refund case, from its (unredacted) view. */
export function publishRefund(v: RefundView, recent: readonly DetailsAction[]): void {
  const s = v.settlement;
  const next = s && v.state === 'settling' ? (s.atRiskSince === null ? s.warnAt : s.breachedAt === null ? s.breachAt : null) : null;
  upsertSearchAttributes([
    { key: CaseStatus, value: v.state },
    { key: Assignee, value: v.agent },
    { key: SlaBreached, value: s?.breachedAt != null },
    { key: SlaNextDeadline, value: next ? new Date(next) : null },
  ]);
  const r = v.refund;
  const e = v.eligibility;
  const settling = s && v.state === 'settling';
  setCurrentDetails(
    caseDetailsMarkdown({
      headline: `**${v.state.replace(/_/g, ' ')}** · refund ${v.id} · ${v.reason.replace(/_/g, ' ')} · agent ${v.agent}`,
      next: next ? { what: s!.atRiskSince === null ? 'refund settlement at risk' : 'refund settlement breached', at: Date.parse(next) } : null,
      timeZone: 'UTC',
      clocks: s ? [{ name: 'gateway settlement', dueAt: Date.parse(s.breachAt), atRiskAt: Date.parse(s.warnAt), state: s.breachedAt !== null ? 'breached' : settling ? (s.atRiskSince !== null ? 'at risk' : 'on track') : 'settled' }] : [],
      sections: [
        e ? `**Eligibility:** ${e.kind} ${e.amountMinor} ${e.currency} — ${cell(e.rule)}` : '',
        r ? `**Refund:** ${r.gatewayRefundId ?? '(requesting)'} ${r.status ?? ''} · key ${r.idempotencyKey}` : '',
        v.remediationReason ? `**Manual remediation:** ${cell(v.remediationReason)}` : '',
      ].filter(Boolean),
      recent: customerAsRole(recent, v.customerRef),
    }),
  );
}
