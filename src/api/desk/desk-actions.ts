import type { ArgumentMetadata } from '@nestjs/common';
import type { TakedownAction, TakedownState } from '../../domain/takedown/case';
import { canApplyTakedownAction } from '../../domain/takedown/case';
import type { TakedownView } from '../../workflows/takedown/messages';
import type { Principal } from '../auth/principal';
import { CardDataPipe } from '../card-data/card-data.pipe';
import { Problem } from '../problem/problem';
import { createValidationPipe } from '../problem/validation';
import {
  ApplyDecisionDto,
  AssignReviewerDto,
  ComplaintDecisionDto,
  ComplaintDto,
  CounterNoticeDto,
  DecideTakedownDto,
  ExtendPreservationDto,
  InformationReceivedDto,
  RecordPreservationDto,
  RequestInformationDto,
  SuitFiledDto,
  TakedownNoteDto,
} from '../takedowns/takedown.dto';
import type { TakedownsService } from '../takedowns/takedowns.service';

/**
 * Each form on the case page: the DTO the JSON API validates the same action with, the domain
 * action that says in which states it is offered, and the TakedownsService call the JSON
 * controller makes (src/api/takedowns/takedowns.controller.ts). The desk turns form fields into
 * the JSON body's shape (fromForm) and then runs the API's own validation pipe and card-data
 * pipe on it: a form can send nothing the API would refuse, and every refusal names the field
 * as the API names it.
 */
export interface DeskAction<D extends object = object> {
  label: string;
  dto: new () => D;
  /** The domain action whose state rule decides whether the form is offered (null: offered while the case is open to holds). */
  domain: TakedownAction | null;
  /** Form fields (strings, `a[b]` nested by the body parser) to the JSON body the DTO validates. */
  fromForm: (form: Record<string, unknown>) => Record<string, unknown>;
  /** `form`: the raw fields, for what names the target rather than the body (a hold's ID). */
  run: (service: TakedownsService, id: string, dto: D, caller: Principal, form: Record<string, unknown>) => Promise<unknown>;
  /** What the flash message says once it went through. */
  done: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const list = (v: unknown): string[] | undefined => {
  const s = text(v);
  return s === undefined ? undefined : s.split(/[\s,;]+/).filter(Boolean);
};
const checked = (v: unknown): boolean | undefined => (v === undefined ? undefined : v === 'on' || v === 'true' || v === '1');
/** Drops the fields the form left empty, so the DTO sees them as absent (optional) rather than as "". */
const defined = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const nested = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Each action typed by its own DTO; stored as the common shape. */
function define<D extends object>(action: DeskAction<D>): DeskAction {
  return action as unknown as DeskAction;
}

export const DESK_ACTIONS = {
  assign: define({
    label: 'Assign reviewer',
    dto: AssignReviewerDto,
    domain: 'assign',
    fromForm: (f) => defined({ reviewer: text(f.reviewer) }),
    run: (s, id, d: AssignReviewerDto, c) => s.assign(id, d.reviewer, c),
    done: 'Reviewer assigned.',
  }),
  'request-info': define({
    label: 'Request information from the notifier',
    dto: RequestInformationDto,
    domain: 'request_info',
    fromForm: (f) => defined({ missing: list(f.missing), message: text(f.message) }),
    run: (s, id, d: RequestInformationDto, c) => s.requestInformation(id, d.missing, d.message, c),
    done: 'Information requested from the notifier.',
  }),
  'info-received': define({
    label: 'Information received',
    dto: InformationReceivedDto,
    domain: 'info_received',
    fromForm: (f) => defined({ note: text(f.note) }),
    run: (s, id, d: InformationReceivedDto, c) => s.informationReceived(id, d.note, c),
    done: 'Information recorded; the decision clock runs.',
  }),
  decide: define({
    label: 'Decide',
    dto: DecideTakedownDto,
    domain: 'decide',
    fromForm: (f) => {
      const g = nested(f.ground);
      const ground = defined({ kind: text(g.kind), reference: text(g.reference), explanation: text(g.explanation) });
      return defined({
        outcome: text(f.outcome),
        territorialScope: list(f.territorialScope),
        // no_action needs no ground: an untouched ground fieldset is no ground at all.
        ground: ground.reference === undefined && ground.explanation === undefined ? undefined : ground,
        explanation: text(f.explanation),
        automatedDetection: checked(f.automatedDetection),
        automatedDecision: text(f.automatedDecision),
        endsAt: text(f.endsAt),
      });
    },
    run: (s, id, d: DecideTakedownDto, c) => s.decide(id, d, c),
    done: 'Decision recorded.',
  }),
  apply: define({
    label: 'Apply the decision',
    dto: ApplyDecisionDto,
    domain: 'apply',
    fromForm: (f) => defined({ authorityInformed: text(f.authorityInformed) }),
    run: (s, id, d: ApplyDecisionDto, c) => s.apply(id, d.authorityInformed, c),
    done: 'Decision applied: the uploader is told, then the content actioned.',
  }),
  close: define({
    label: 'Close the case',
    dto: ApplyDecisionDto, // no fields: an empty form validates as an empty body
    domain: 'close',
    fromForm: () => ({}),
    run: (s, id, _d, c) => s.close(id, c),
    done: 'Case closed.',
  }),
  'counter-notice': define({
    label: 'Record a DMCA counter-notice',
    dto: CounterNoticeDto,
    domain: 'counter_notice',
    fromForm: (f) => {
      const sub = nested(f.subscriber);
      return defined({
        signature: text(f.signature),
        materialIdentification: text(f.materialIdentification),
        goodFaithUnderPenaltyOfPerjury: checked(f.goodFaithUnderPenaltyOfPerjury) ?? false,
        consentToJurisdiction: checked(f.consentToJurisdiction) ?? false,
        subscriber: defined({ name: text(sub.name), address: text(sub.address), phone: text(sub.phone) }),
      });
    },
    run: (s, id, d: CounterNoticeDto, c) => s.counterNotice(id, d, c),
    done: 'Counter-notice recorded and forwarded to the notifier; the restore window is set.',
  }),
  'suit-filed': define({
    label: 'The notifier reports a lawsuit',
    dto: SuitFiledDto,
    domain: 'suit_filed',
    fromForm: (f) => defined({ court: text(f.court) }),
    run: (s, id, d: SuitFiledDto, c) => s.suitFiled(id, d.court, c),
    done: 'Lawsuit recorded: the content stays down.',
  }),
  complaint: define({
    label: 'Record an internal complaint (DSA Art. 20)',
    dto: ComplaintDto,
    domain: 'complaint',
    fromForm: (f) => defined({ by: text(f.by), grounds: text(f.grounds) }),
    run: (s, id, d: ComplaintDto, c) => s.complaint(id, d.by, d.grounds, c),
    done: 'Complaint recorded.',
  }),
  uphold: define({
    label: 'Uphold the decision',
    dto: ComplaintDecisionDto,
    domain: 'uphold',
    fromForm: (f) => defined({ reasons: text(f.reasons) }),
    run: (s, id, d: ComplaintDecisionDto, c) => s.uphold(id, d.reasons, c),
    done: 'Decision upheld.',
  }),
  reverse: define({
    label: 'Reverse the decision',
    dto: ComplaintDecisionDto,
    domain: 'reverse',
    fromForm: (f) => defined({ reasons: text(f.reasons) }),
    run: (s, id, d: ComplaintDecisionDto, c) => s.reverse(id, d.reasons, c),
    done: 'Decision reversed; restricted content restored.',
  }),
  note: define({
    label: 'Add a note',
    dto: TakedownNoteDto,
    domain: 'note',
    fromForm: (f) => defined({ text: text(f.text) }),
    run: (s, id, d: TakedownNoteDto, c) => s.note(id, d.text, c),
    done: 'Note added.',
  }),
  preserve: define({
    label: 'Record a preservation request',
    dto: RecordPreservationDto,
    domain: null,
    fromForm: (f) => defined({ authority: text(f.authority), reference: text(f.reference), items: preservationItems(f.items) }),
    run: (s, id, d: RecordPreservationDto, c) => s.recordPreservation(id, d, c),
    done: 'Preservation hold recorded.',
  }),
  'extend-preservation': define({
    label: 'Extend a preservation hold',
    dto: ExtendPreservationDto,
    domain: null,
    // The hold is named by the form (holdId), not the body the API validates.
    fromForm: (f) => defined({ reference: text(f.reference) }),
    run: (s, id, d: ExtendPreservationDto, c, f) => s.extendPreservation(id, text(f.holdId) ?? '', d.reference, c),
    done: 'Preservation hold extended.',
  }),
};

export type DeskActionName = keyof typeof DESK_ACTIONS;

export function isDeskAction(name: string): name is DeskActionName {
  return Object.hasOwn(DESK_ACTIONS, name);
}

/** One item per line: an http(s) URL is a url, anything else a content ID. */
function preservationItems(v: unknown): Record<string, string>[] | undefined {
  const s = text(v);
  if (s === undefined) return undefined;
  return s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l): Record<string, string> => (/^https?:\/\//i.test(l) ? { url: l } : { contentId: l }));
}

const validation = createValidationPipe();
const cardData = new CardDataPipe();

/** The form's fields as the API's body, through the API's validation and card-data pipes (a Problem naming the field otherwise). */
export async function validatedBody<D extends object>(action: DeskAction<D>, form: Record<string, unknown>): Promise<D> {
  const metadata: ArgumentMetadata = { type: 'body', metatype: action.dto, data: undefined };
  const dto = (await validation.transform(action.fromForm(form), metadata)) as D;
  return cardData.transform(dto, metadata) as D;
}

/** The forms the case's state allows now (the workflow's validator still has the last word). */
export function offeredActions(view: Pick<TakedownView, 'state' | 'regimes'>): DeskActionName[] {
  const state = view.state as TakedownState;
  return (Object.keys(DESK_ACTIONS) as DeskActionName[]).filter((name) => {
    const { domain } = DESK_ACTIONS[name];
    if (domain === null || domain === 'note') return false; // notes and holds have their own sections
    if (domain === 'counter_notice' && !view.regimes.includes('dmca')) return false;
    if (domain === 'complaint' && !view.regimes.includes('dsa')) return false;
    return canApplyTakedownAction(state, domain);
  });
}

export function unknownAction(name: string): Problem {
  return Problem.notFound('desk action', name);
}
