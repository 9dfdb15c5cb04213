import { caseDetailsMarkdown, DetailsAction } from '../../domain/ui-details';
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { CaseStatus, SlaNextDeadline } from '../search-attributes';
import type { DunningInput, DunningView } from './messages';

const MESSAGES: Record<string, string> = {
  notify_update_card: 'your renewal payment failed: please update your card',
  retention_offer: 'your renewal payment failed: here is an offer to stay',
  final_notice: 'last notice: your subscription will be cancelled unless the payment succeeds',
};

/** The customer's message for a step; asking for a new card carries the link where they give it. */
export function dunningMessage(kind: string, input: DunningInput): string {
  const link = input.hostedInvoiceUrl ? `: ${input.hostedInvoiceUrl}` : ' in your account';
  if (kind === 'notify_update_card') return `your renewal payment failed: please update your card and pay the invoice${link} (invoice ${input.invoiceId})`;
  if (kind === 'final_notice' && input.hostedInvoiceUrl) return `${MESSAGES[kind]}: pay it here ${input.hostedInvoiceUrl} (invoice ${input.invoiceId})`;
  return `${MESSAGES[kind]} (invoice ${input.invoiceId})`;
}

/** Search attributes and the UI's current details of a dunning case, from its (unredacted) view. */
export function publishDunning(v: DunningView, recent: readonly DetailsAction[]): void {
  const next = v.status === 'dunning' ? v.steps.find((s) => !s.done) : undefined;
  upsertSearchAttributes([
    { key: CaseStatus, value: v.status },
    { key: SlaNextDeadline, value: next ? new Date(next.at) : null },
  ]);
  setCurrentDetails(
    caseDetailsMarkdown({
      headline: `**${v.status.replace(/_/g, ' ')}** · dunning ${v.id} · invoice ${v.invoiceId} · ${v.amountDueMinor} ${v.currency} (minor units)`,
      next: next ? { what: `dunning step ${next.attempt}: ${next.kind.replace(/_/g, ' ')}`, at: Date.parse(next.at) } : null,
      timeZone: 'UTC',
      clocks: v.steps.map((st) => ({ name: `step ${st.attempt}: ${st.kind.replace(/_/g, ' ')}`, dueAt: Date.parse(st.at), state: st.done ? 'done' : v.status === 'dunning' ? 'scheduled' : 'not needed' })),
      sections: [v.identity ? `identity confirmed by ${v.identity.confirmedBy}` : 'identity not confirmed: no account changes'],
      recent,
    }),
  );
}
