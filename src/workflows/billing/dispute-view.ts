import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { missingEvidence } from '../../domain/billing/dispute';
import { CaseStatus, SlaBreached, SlaNextDeadline } from '../search-attributes';
import type { DisputeView } from './messages';

/** Search attributes and the UI's current details of a dispute, from its (unredacted) view. */
export function publishDispute(v: DisputeView, deadline: number, dueBy: number): void {
  const open = v.status === 'needs_response' || v.status === 'evidence_staged';
  upsertSearchAttributes([
    { key: CaseStatus, value: v.status },
    { key: SlaNextDeadline, value: open ? new Date(deadline) : null },
    { key: SlaBreached, value: open && Date.now() > deadline },
  ]);
  setCurrentDetails(
    [
      `**${v.status}** · ${v.reason} · ${v.amountMinor} ${v.currency} (minor units)`,
      `internal deadline ${new Date(deadline).toISOString()} (network due ${new Date(dueBy).toISOString()})`,
      v.decision ? `decision: ${v.decision.decision} — ${v.decision.rule}` : '',
      `missing evidence: ${missingEvidence(v.evidence).join(', ') || 'none'}`,
    ]
      .filter(Boolean)
      .join('\n\n'),
  );
}
