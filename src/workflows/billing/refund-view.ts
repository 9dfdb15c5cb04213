import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { Assignee, CaseStatus, SlaBreached, SlaNextDeadline } from '../search-attributes';
import type { RefundView } from './messages';

/** Search attributes and the UI's current details of a refund case, from its (unredacted) view. */
export function publishRefund(v: RefundView): void {
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
  setCurrentDetails(
    [
      `**${v.state}** · ${v.reason} · agent ${v.agent}`,
      e ? `eligibility: ${e.kind} ${e.amountMinor} ${e.currency} — ${e.rule}` : '',
      r ? `refund ${r.gatewayRefundId ?? '(requesting)'} ${r.status ?? ''} · key ${r.idempotencyKey}` : '',
      s ? `settlement: at risk ${s.warnAt}, breach ${s.breachAt}` : '',
      v.remediationReason ? `manual remediation: ${v.remediationReason}` : '',
    ]
      .filter(Boolean)
      .join('\n\n'),
  );
}
