import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { finalOn, OUTSIDE_SERVICE } from '../common/retry-policies';
import type { RefundInput } from './messages';

const { sendNotification, updateCrm } = proxyActivities<ReturnType<typeof createActivities>>(finalOn(OUTSIDE_SERVICE, ['GatewayRejectedError']));

export type RefundNoticeKind = 'refund_receipt' | 'refund_settlement_at_risk' | 'refund_settlement_breached' | 'refund_remediation';

/** What a refund case tells people: one notice of each kind per case (keyed by it, so a retry sends nothing new). */
export function refundNotice(input: RefundInput, kind: RefundNoticeKind, level: 'owner' | 'customer' | 'manager', recipient: string | null, summary: string) {
  return sendNotification({ key: `${input.caseId}:${kind}`, kind, ticketId: input.caseId, brand: input.brand, priority: 'billing', metric: null, level, recipient, summary });
}

/** What a refund case tells the CRM: once per event (keyed by it). */
export function refundCrmUpdate(input: RefundInput, event: string, data: Record<string, unknown>) {
  return updateCrm({ key: `${input.caseId}:crm:${event}`, caseId: input.caseId, customerRef: input.customerRef, event, data });
}
