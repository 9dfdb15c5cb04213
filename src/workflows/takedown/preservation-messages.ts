import { defineStatusQuery } from '../common/read-time';
import { defineUpdate } from '@temporalio/workflow';
import type { NoticeItem } from '../../domain/takedown/notice';
import type { PreservationPolicy, PreservationState } from '../../domain/takedown/preservation';
import type { TakedownActorRef } from './messages';
import type { NeedsAttentionView } from '../common/needs-attention';
import type { RunLimits } from '../common/run-budget';
import type { PreservationHold } from '../../domain/takedown/preservation';
import type { RecorderCarried } from '../common/case-recorder';

/** The preservation hold's update and status query: defined once, used by the workflow and the API. */

export interface PreservationInput {
  /** `preservation-<26 hex>`: from the case, the authority and its reference, so a retried request finds the same hold. */
  holdId: string;
  /** The takedown case the request is about; the hold's history is written into that case's. */
  caseId: string;
  brand: string;
  /** The requesting authority and its file reference: an organisation, not a person. */
  authority: string;
  reference: string;
  items: NoticeItem[];
  /** The legal staff member who recorded the request. */
  requestedBy: string;
  requestedAt: number;
  /** Pinned from the pack at request time: a hold keeps the periods it was granted under. */
  policy: PreservationPolicy;
  /** The legal lead, reminded before expiry and told of the release. */
  escalateTo: string;
  /** Set by the workflow when it continues as new: the hold as the previous run left it. */
  carried?: PreservationCarried;
  /** Tests only (the API never sets it): smaller run limits, so a hold continues as new sooner. */
  runLimits?: Partial<RunLimits>;
}

/** Everything a hold holds that its input does not, handed to the next run at continue-as-new. */
export interface PreservationCarried extends RecorderCarried {
  hold: PreservationHold;
  extension: PreservationView['extension'];
  remindersSent: PreservationView['remindersSent'];
  /** Keys of the reminders already sent: none is sent twice. */
  sentReminderKeys: string[];
  attention: NeedsAttentionView | null;
  /** IDs of the latest updates applied (retried-updates.ts): an extension sent again after continue-as-new is not refused as a second one. */
  updates: string[];
}

export interface PreservationView {
  id: string;
  caseId: string;
  brand: string;
  state: PreservationState;
  authority: string;
  reference: string;
  items: NoticeItem[];
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  extension: { at: string; by: string; reference: string | null } | null;
  releasedAt: string | null;
  remindersSent: { expiresAt: string; beforeMs: number; at: string }[];
  nextReminderAt: string | null;
  /** Present once a record of the hold was refused for good (README "Cases that need attention"). */
  needsAttention?: NeedsAttentionView;
}

export interface ExtendPreservationRequest {
  actor: TakedownActorRef;
  /** The authority's renewed request, when it has its own reference. */
  reference: string | null;
}

export const extendPreservationUpdate = defineUpdate<PreservationView, [ExtendPreservationRequest]>('extendPreservation');
export const preservationStatusQuery = defineStatusQuery<PreservationView>();

export const PRESERVATION_ID = /^preservation-[a-z0-9]{26}$/;
