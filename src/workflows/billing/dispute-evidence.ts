import { containsCardNumber } from '../../domain/billing/card-redaction';
import { DisputeStatus, EVIDENCE_ITEMS } from '../../domain/billing/dispute';
import { CaseTransitionError } from '../../domain/case-transition';
import { refuseTransition, refuseValue } from '../common/refusals';
import type { AddEvidenceRequest } from './messages';

/**
 * The add-evidence validator: refused while the dispute is no longer collecting (or its submission
 * is on its way: the evidence would not go with it), for an unknown item, or for a card number.
 */
export function checkEvidenceRequest(status: DisputeStatus, submitting: boolean, { item, value }: AddEvidenceRequest): void {
  if (submitting) throw refuseTransition(new CaseTransitionError('submitted', 'add_evidence', 'cannot add evidence to a dispute that is submitted (the submission is in progress)'));
  if (status !== 'needs_response' && status !== 'evidence_staged') {
    throw refuseTransition(new CaseTransitionError(status, 'add_evidence', `cannot add evidence to a dispute that is ${status.replace(/_/g, ' ')}`));
  }
  if (!(EVIDENCE_ITEMS as readonly string[]).includes(item) || value.trim() === '') throw refuseValue('item', `unknown evidence item "${item}" or empty value`);
  // Refused before it enters history: evidence text never carries a card number.
  if (containsCardNumber(value)) throw refuseValue('value', `value: the ${item} evidence must not contain a card number`);
}
