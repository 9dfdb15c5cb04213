import { containsCardNumber, last4Only } from './billing/card-redaction';

/**
 * What happens to a card number (PAN) typed into a free-text field of a case: agents see
 * transaction IDs, authorisation codes and chargeback status, never full payment data. Pure: the
 * API's card-data pipe and the workflows' inbound interceptor both apply it.
 *
 * - `redact`: human prose (subjects, descriptions, replies, notes, reasons). The text is kept with
 *   each card number reduced to "•••• 1234", so what the person wrote still reads.
 * - `refuse`: identifiers and references (customerRef, assignee, paymentReference, …). A reference
 *   with "•••• 1234" in it would point at nothing, so the request is refused (422 naming the field).
 */
export type CardDataAction = 'redact' | 'refuse';

/**
 * Field paths: dotted, `[]` for each element of an array (`items[].url`, `services[]`). Keys are
 * the request bodies' names (the DTO class, as the OpenAPI document names its schema), plus
 * `TakedownNotice` (the public notice form, a zod schema). Every string field of every request
 * body has an entry: a test walks /docs-json and the notice schema and fails on a missing one.
 */
export const CARD_DATA_POLICY = {
  // tickets
  CreateTicketDto: {
    brand: 'refuse',
    priority: 'refuse',
    plan: 'refuse',
    subject: 'redact',
    description: 'redact',
    customerRef: 'refuse',
    account: 'refuse',
    'socialPost.url': 'refuse',
    'socialPost.text': 'redact',
    'playback.userId': 'refuse',
    'playback.sessionId': 'refuse',
    'playback.deviceId': 'refuse',
    receivedAt: 'refuse',
  },
  AssignDto: { assignee: 'refuse', mentor: 'refuse' },
  ReplyDto: { message: 'redact' },
  PendingDto: { message: 'redact' },
  PriorityDto: { priority: 'refuse', reason: 'redact' },
  ResolveDto: { resolution: 'redact', 'rootCauseTags[]': 'refuse' },
  ReopenDto: { reason: 'redact' },
  CsatDto: { comment: 'redact' },
  // Root-cause ids from the pack's vocabulary: references, so a card in one is refused, not masked.
  RootCauseDto: { 'tags[]': 'refuse' },
  // incidents and on-call
  CreateIncidentDto: { brand: 'refuse', priority: 'refuse', title: 'redact', impact: 'redact', 'services[]': 'refuse' },
  ActorNoteDto: { text: 'redact' },
  SummaryDto: { summary: 'redact' },
  IncidentPriorityDto: { priority: 'refuse', reason: 'redact' },
  MarkEnterpriseDto: { reason: 'redact' },
  LinkTicketDto: { ticketId: 'refuse' },
  ReviewDto: {
    summary: 'redact',
    'correctiveActions[].action': 'redact',
    'correctiveActions[].owner': 'refuse',
    'correctiveActions[].due': 'refuse',
    'costImpact.currency': 'refuse',
  },
  RotationDto: { 'participants[]': 'refuse', startsAt: 'refuse', shift: 'refuse' },
  EscalationPolicyDto: { brand: 'refuse', 'priorities[]': 'refuse', 'levels[].targets[]': 'refuse', 'levels[].ackTimeout': 'refuse' },
  // refunds, disputes, dunning, SLA credits
  CreateRefundDto: {
    brand: 'refuse',
    customerRef: 'refuse',
    subscriptionId: 'refuse',
    'plan.currency': 'refuse',
    purchasedAt: 'refuse',
    'currentPeriod.start': 'refuse',
    'currentPeriod.end': 'refuse',
    paymentReference: 'refuse',
  },
  // A billing case's agent notes and evidence are refused, as the billing workflows' own validators
  // refuse them (domain/billing/agent-note.ts): evidence goes to the card network as submitted, and
  // a note on a payment case is where a card number is typed on purpose, not in passing.
  ConfirmIdentityDto: { method: 'refuse' },
  EvidenceDto: { value: 'refuse' },
  CancelNowDto: { reason: 'refuse' },
  RetentionOfferDto: { offer: 'refuse' },
  SettleSlaCreditsDto: { breachedBefore: 'refuse', 'keys[]': 'refuse' },
  GenerateReportDto: { period: 'refuse', brand: 'refuse' },
  // customer accounts and the backfill onto them (operations): IDs and references only
  CreateAccountDto: { id: 'refuse', brand: 'refuse', name: 'refuse' },
  AssignKeyAccountDto: { account: 'refuse' },
  AdoptTicketsDto: { 'customerRefs[]': 'refuse', 'ticketIds[]': 'refuse' },
  // the agents registry (operations): handles and a reason
  CreateAgentDto: { id: 'refuse', brand: 'refuse', teamLead: 'refuse' },
  AgentStatusDto: { reason: 'redact' },
  StartOnboardingDto: { startsOn: 'refuse' },
  OnboardingSessionDto: { module: 'refuse', heldOn: 'refuse' },
  StartMentoredDto: { mentor: 'refuse' },
  QaScoreDto: { reviewId: 'refuse', ticketId: 'refuse' },
  DecideOnboardingDto: { note: 'redact' },
  // takedowns and preservation holds
  TakedownNotice: {
    'notifier.name': 'refuse',
    'notifier.email': 'refuse',
    'notifier.organisation': 'refuse',
    'items[].contentId': 'refuse',
    'items[].url': 'refuse',
    'claimedJurisdictions[]': 'refuse',
    explanation: 'redact',
    'statements.identificationOfWork': 'redact',
    'statements.infringingMaterial': 'redact',
    'statements.signature': 'refuse',
  },
  AssignReviewerDto: { reviewer: 'refuse' },
  RequestInformationDto: { 'missing[]': 'refuse', message: 'redact' },
  InformationReceivedDto: { note: 'redact' },
  DecideTakedownDto: { 'territorialScope[]': 'refuse', 'ground.reference': 'refuse', 'ground.explanation': 'redact', explanation: 'redact', endsAt: 'refuse' },
  ApplyDecisionDto: { authorityInformed: 'refuse' },
  CounterNoticeDto: { signature: 'refuse', materialIdentification: 'redact', 'subscriber.name': 'refuse', 'subscriber.address': 'refuse', 'subscriber.phone': 'refuse' },
  SuitFiledDto: { court: 'refuse' },
  ComplaintDto: { grounds: 'redact' },
  ComplaintDecisionDto: { reasons: 'redact' },
  TakedownNoteDto: { text: 'redact' },
  RecordPreservationDto: { authority: 'refuse', reference: 'refuse', 'items[].contentId': 'refuse', 'items[].url': 'refuse' },
  ExtendPreservationDto: { reference: 'refuse' },
} as const satisfies Record<string, Record<string, CardDataAction>>;

export type CardDataBody = keyof typeof CARD_DATA_POLICY;
export type CardDataFields = Readonly<Record<string, CardDataAction>>;

export function cardDataFieldsOf(body: string): CardDataFields | undefined {
  return Object.prototype.hasOwnProperty.call(CARD_DATA_POLICY, body) ? CARD_DATA_POLICY[body as CardDataBody] : undefined;
}

/**
 * How a workflow's start input or update argument lines up with a request body: the body's fields
 * sit under `at` (the update's `decision`, `counterNotice`…), some under another name (`rename`,
 * the body's path → the workflow's).
 */
export interface CardDataBinding {
  body: CardDataBody;
  at?: string;
  rename?: Readonly<Record<string, string>>;
}

export interface WorkflowCardDataBindings {
  start?: CardDataBinding;
  updates?: Readonly<Record<string, CardDataBinding>>;
}

/**
 * The same policy for input that reaches a workflow without the API (a script, the Temporal CLI):
 * per workflow type, its start input and each update's argument. Signals come from the gateway
 * and the alert pipeline (IDs and counts), and dunning and disputes start from the gateway's
 * webhook: none of them carries what a person typed.
 */
export const WORKFLOW_CARD_DATA: Readonly<Record<string, WorkflowCardDataBindings>> = {
  ticketWorkflow: {
    start: { body: 'CreateTicketDto' },
    updates: {
      assign: { body: 'AssignDto' },
      reply: { body: 'ReplyDto' },
      pending: { body: 'PendingDto' },
      priority: { body: 'PriorityDto' },
      resolve: { body: 'ResolveDto' },
      reopen: { body: 'ReopenDto' },
      csat: { body: 'CsatDto' },
      rootCause: { body: 'RootCauseDto' },
      // A CRM user's note (POST /v1/webhooks/crm): prose, like an incident note.
      crmNote: { body: 'ActorNoteDto' },
    },
  },
  incidentWorkflow: {
    start: { body: 'CreateIncidentDto' },
    updates: {
      note: { body: 'ActorNoteDto' },
      mitigate: { body: 'SummaryDto' },
      resolve: { body: 'SummaryDto' },
      priority: { body: 'IncidentPriorityDto' },
      mark_enterprise: { body: 'MarkEnterpriseDto' },
      link_ticket: { body: 'LinkTicketDto' },
      review: { body: 'ReviewDto', at: 'review' },
    },
  },
  // No start binding for refunds: their record is guarded by recordBillingCase, which refuses card
  // data and moves the case to manual remediation, stored with the last four digits only.
  refundWorkflow: { updates: { confirmIdentity: { body: 'ConfirmIdentityDto' } } },
  disputeWorkflow: { updates: { addEvidence: { body: 'EvidenceDto' } } },
  dunningWorkflow: {
    updates: {
      confirmIdentity: { body: 'ConfirmIdentityDto' },
      cancelSubscriptionNow: { body: 'CancelNowDto' },
      applyRetentionOffer: { body: 'RetentionOfferDto' },
    },
  },
  takedownWorkflow: {
    start: { body: 'TakedownNotice', at: 'notice' },
    updates: {
      assignReviewer: { body: 'AssignReviewerDto' },
      requestInformation: { body: 'RequestInformationDto' },
      recordInformationReceived: { body: 'InformationReceivedDto' },
      decide: { body: 'DecideTakedownDto', at: 'decision', rename: { explanation: 'facts' } },
      applyDecision: { body: 'ApplyDecisionDto' },
      recordCounterNotice: { body: 'CounterNoticeDto', at: 'counterNotice' },
      recordSuitFiled: { body: 'SuitFiledDto' },
      recordComplaint: { body: 'ComplaintDto' },
      upholdDecision: { body: 'ComplaintDecisionDto' },
      reverseDecision: { body: 'ComplaintDecisionDto' },
      note: { body: 'TakedownNoteDto' },
    },
  },
  preservationWorkflow: {
    start: { body: 'RecordPreservationDto' },
    updates: { extendPreservation: { body: 'ExtendPreservationDto' } },
  },
  onboardingWorkflow: {
    updates: {
      recordSession: { body: 'OnboardingSessionDto' },
      startMentored: { body: 'StartMentoredDto' },
      scoreQa: { body: 'QaScoreDto' },
      decideOnboarding: { body: 'DecideOnboardingDto' },
    },
  },
};

/** The body's policy as the workflow's argument spells its paths. */
export function boundCardDataFields(binding: CardDataBinding): CardDataFields {
  const fields: Record<string, CardDataAction> = {};
  for (const [path, action] of Object.entries(CARD_DATA_POLICY[binding.body] as CardDataFields)) {
    const own = binding.rename?.[path] ?? path;
    fields[binding.at ? `${binding.at}.${own}` : own] = action;
  }
  return fields;
}

export interface CardDataOutcome<T> {
  /** The value with every card number in a redact-field (and, with refuse: false, in every field) reduced to its last four. */
  value: T;
  /** Concrete paths (`items.0.url`) of refuse-fields that hold a card number; never the value. */
  refused: string[];
}

/**
 * Applies a body's fields to a value. `refuse: true` (the API, an update's validator) reports
 * refuse-fields holding a card; `refuse: false` (a workflow's start, an update already accepted)
 * redacts them as well, since such input can no longer be refused. Returns a copy; other fields,
 * and values of other types, are kept as they are.
 */
export function applyCardDataPolicy<T>(fields: CardDataFields, value: T, options: { refuse: boolean }): CardDataOutcome<T> {
  const refused: string[] = [];
  let out: unknown = value;
  for (const [path, action] of Object.entries(fields)) {
    out = visit(out, path.split('.'), '', (text, at) => {
      if (!containsCardNumber(text)) return text;
      if (action === 'refuse' && options.refuse) {
        refused.push(at);
        return text;
      }
      return redactCards(text);
    });
  }
  return { value: out as T, refused };
}

/** last4Only until no card is left: masking one card can leave digits that read as another. */
export function redactCards(text: string): string {
  let out = text;
  for (let i = 0; i < 8 && containsCardNumber(out); i++) out = last4Only(out);
  return containsCardNumber(out) ? out.replace(/\d/g, '•') : out;
}

function visit(value: unknown, segments: string[], at: string, onText: (text: string, at: string) => string): unknown {
  if (segments.length === 0) return typeof value === 'string' ? onText(value, at) : value;
  const [head, ...rest] = segments;
  const isArray = head.endsWith('[]');
  const key = isArray ? head.slice(0, -2) : head;
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, key)) return value;
  const record = value as Record<string, unknown>;
  const child = record[key];
  const here = at ? `${at}.${key}` : key;
  let next: unknown;
  if (isArray) {
    if (!Array.isArray(child)) return value;
    const items = child.map((item, i) => visit(item, rest, `${here}.${i}`, onText));
    next = items.every((item, i) => item === child[i]) ? child : items;
  } else {
    next = visit(child, rest, here, onText);
  }
  if (next === child) return value;
  // A copy keeps the class of the value (a DTO instance) and every other field.
  return Object.assign(Object.create(Object.getPrototypeOf(record) as object | null) as Record<string, unknown>, record, { [key]: next });
}
