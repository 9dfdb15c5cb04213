import { TAKEDOWN_ID } from '../../workflows/takedown/messages';
import { PRESERVATION_ID } from '../../workflows/takedown/preservation-messages';
import { ONBOARDING_ID } from '../../workflows/onboarding/messages';
import { isTicketId } from '../tickets/ticket-ids';
import type { UpdateRetry } from './update-retries';

export type CaseKind = 'ticket' | 'incident' | 'takedown' | 'preservation' | 'refund' | 'dispute' | 'dunning' | 'onboarding';

/** What the API needs to know of a case kind to start, steer and read it; a new kind adds one entry. */
export interface CaseKindSpec {
  /** How problems name the case ("ticket ticket-… does not exist"). */
  noun: string;
  /** How the 409/410 for an ended case names it, where that differs from `noun`. */
  endedNoun?: string;
  /** The workflow ID's shape: anything else is a 404 without asking Temporal. */
  isId(id: string): boolean;
  /** The view's field that says where the case is (`status` or `state`, as the kind names it). */
  statusField: string;
  retry: UpdateRetry;
}

const matches = (pattern: RegExp) => (id: string) => pattern.test(id);

export const CASE_KINDS: Record<CaseKind, CaseKindSpec> = {
  ticket: { noun: 'ticket', isId: isTicketId, statusField: 'status', retry: 'undecided' },
  incident: { noun: 'incident', isId: matches(/^incident-[a-z0-9]{26}$/), statusField: 'status', retry: 'lost-update' },
  takedown: { noun: 'takedown', isId: matches(TAKEDOWN_ID), statusField: 'state', retry: 'none' },
  preservation: { noun: 'preservation hold', isId: matches(PRESERVATION_ID), statusField: 'state', retry: 'none' },
  refund: { noun: 'refund', isId: matches(/^refund-[a-z0-9]{26}$/), statusField: 'state', retry: 'none' },
  dispute: { noun: 'dispute', isId: matches(/^dispute-[A-Za-z0-9_]{1,100}$/), statusField: 'status', retry: 'none' },
  onboarding: { noun: 'onboarding', isId: matches(ONBOARDING_ID), statusField: 'phase', retry: 'none' },
  dunning: { noun: 'dunning case', endedNoun: 'dunning', isId: matches(/^dunning-[A-Za-z0-9_]{1,120}$/), statusField: 'status', retry: 'none' },
};
