import { caseDetailsMarkdown, cell, DetailsAction } from '../../domain/ui-details';
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { missingEvidence } from '../../domain/billing/dispute';
import { CaseStatus, SlaBreached, SlaNextDeadline } from '../search-attributes';
import type { DisputeView } from './messages';

/** Search attributes and the UI's current details of a dispute, from its (unredacted) view. */
export function publishDispute(v: DisputeView, deadline: number, dueBy: number, recent: readonly DetailsAction[]): void {
  const open = v.status === 'needs_response' || v.status === 'evidence_staged';
  upsertSearchAttributes([
    { key: CaseStatus, value: v.status },
    { key: SlaNextDeadline, value: open ? new Date(deadline) : null },
    { key: SlaBreached, value: open && Date.now() > deadline },
  ]);
  const missing = missingEvidence(v.evidence);
  setCurrentDetails(
    caseDetailsMarkdown({
      headline: `**${v.status.replace(/_/g, ' ')}** · chargeback ${v.id} · ${cell(v.reason)} · ${v.amountMinor} ${v.currency} (minor units)`,
      next: open ? { what: missing.length ? `submit the evidence (missing: ${missing.join(', ')})` : 'submit the staged evidence', at: deadline } : null,
      timeZone: 'UTC',
      clocks: [
        { name: 'evidence submission (internal deadline)', dueAt: deadline, state: open ? (Date.now() > deadline ? 'missed' : 'open') : 'closed' },
        { name: 'card network response due', dueAt: dueBy, state: open ? 'open' : 'closed' },
      ],
      sections: [v.decision ? `**Decision:** ${v.decision.decision} — ${cell(v.decision.rule)}` : '', `**Missing evidence:** ${missing.join(', ') || 'none'}`].filter(Boolean),
      recent,
    }),
  );
}
