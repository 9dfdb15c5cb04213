import { CARD_DATA_POLICY, CardDataAction } from '../../src/domain/card-data-policy';
import { startStripeFake, StripeFake } from '../fakes/stripe';
import { createKey, useHttpStack, testConfig, uniqueTaskQueue } from '../support/harness';
import { httpClient } from '../support/http';
import { registeredRoutes, roleAllowedFor, Route } from '../support/routes';
import { CARDS, fullCardsIn, NO_FULL_CARDS, PROSE_WITH_CARDS, REDACTED, tablesHoldingFullCards } from '../support/card-data';
import { COUNTER_NOTICE, copyrightNotice } from '../support/takedowns';
import { waitFor } from '../support/wait-for';

const DAY = 86_400_000;
const policy = CARD_DATA_POLICY as Record<string, Record<string, CardDataAction>>;

/** Sets a field by its concrete path (`items.0.url`) in a copy of the body. */
function withField(body: Record<string, unknown>, path: string, value: string): Record<string, unknown> {
  const copy = structuredClone(body);
  const segments = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const s of segments.slice(0, -1)) at = at[s] as Record<string, unknown>;
  at[segments[segments.length - 1]] = value;
  return copy;
}
const concrete = (policyPath: string) => policyPath.replace(/\[\]/g, '.0');

describe('card numbers in free text over HTTP', () => {
  let stripe: StripeFake;
  const config = testConfig({
    TEMPORAL_TASK_QUEUE: uniqueTaskQueue('card-data-e2e'),
    RATE_LIMIT_PER_MINUTE: '100000',
    TAKEDOWN_INTAKE_RATE_LIMIT_PER_MINUTE: '100000',
  });
  const stripeReady = startStripeFake().then((s) => {
    stripe = s;
    Object.assign(config, { STRIPE_API_KEY: s.apiKey, STRIPE_API_BASE: s.url });
    return s;
  });
  beforeAll(() => stripeReady);
  const stack = useHttpStack(config);
  let http: ReturnType<typeof httpClient>;
  const keys: Record<string, string> = {};
  let routes: Route[];
  beforeAll(async () => {
    http = httpClient(stack.api.baseUrl);
    routes = registeredRoutes(stack.api.app);
    for (const role of ['client', 'agent', 'sre', 'admin', 'trainer'] as const) keys[role] = await createKey(stack.ds, role);
    keys.legal = await createKey(stack.ds, 'legal', 'legal-ines');
    keys.legal2 = await createKey(stack.ds, 'legal', 'legal-omar');
  });
  afterAll(() => stripe?.close());

  /** A valid body and a route per request body with refuse-fields; the card-data pipe runs before any case is looked up. */
  const REFUSE_ROUTES: Record<string, { method: 'POST' | 'PUT' | 'PATCH'; path: string; body: () => Record<string, unknown> }> = {
    CreateTicketDto: {
      method: 'POST',
      path: '/v1/tickets',
      body: () => ({
        brand: 'uoozee',
        channel: 'social',
        priority: 'P4',
        plan: 'basic',
        subject: 's',
        description: 'd',
        customerRef: 'cust_1',
        socialPost: { url: 'https://social.example/p/1', text: 'hello' },
        category: 'playback',
        playback: { userId: 'usr_1', sessionId: 'ps_1', deviceId: 'dev_1' },
        receivedAt: new Date().toISOString(),
      }),
    },
    AssignDto: { method: 'POST', path: '/v1/tickets/ticket-x/assign', body: () => ({ assignee: 'ann' }) },
    PriorityDto: { method: 'POST', path: '/v1/tickets/ticket-x/priority', body: () => ({ priority: 'P3', reason: 'r' }) },
    ResolveDto: { method: 'POST', path: '/v1/tickets/ticket-x/resolve', body: () => ({ resolution: 'r', rootCauseTags: ['known-issue'] }) },
    RootCauseDto: { method: 'POST', path: '/v1/tickets/ticket-x/root-cause', body: () => ({ tags: ['known-issue'] }) },
    CreateIncidentDto: { method: 'POST', path: '/v1/incidents', body: () => ({ brand: 'uoozee', priority: 'P2', title: 't', services: ['cdn'] }) },
    IncidentPriorityDto: { method: 'POST', path: '/v1/incidents/incident-x/priority', body: () => ({ priority: 'P1', reason: 'r' }) },
    LinkTicketDto: { method: 'POST', path: '/v1/incidents/incident-x/link-ticket', body: () => ({ ticketId: `ticket-${'a'.repeat(26)}` }) },
    ReviewDto: {
      method: 'POST',
      path: '/v1/incidents/incident-x/review',
      body: () => ({
        summary: 's',
        rootCauseCategory: 'infrastructure',
        impact: { minutes: 1, affectedUsers: 1 },
        correctiveActions: [{ action: 'a', owner: 'o', due: '2026-12-15' }],
        costImpact: { amountMinor: 1, currency: 'USD' },
      }),
    },
    RotationDto: { method: 'PUT', path: '/v1/oncall/rotations/card-test', body: () => ({ participants: ['ana'], startsAt: '2026-11-23T09:00:00Z', shift: '1w' }) },
    EscalationPolicyDto: { method: 'PUT', path: '/v1/escalation-policies/card-test', body: () => ({ brand: 'uoozee', priorities: ['P1'], levels: [{ targets: ['rotation:sre'], ackTimeout: '5m' }] }) },
    CreateRefundDto: {
      method: 'POST',
      path: '/v1/refunds',
      body: () => ({
        brand: 'uoozee',
        customerRef: 'cust_1',
        subscriptionId: 'sub_1',
        plan: { interval: 'year', priceMinor: 9999, currency: 'USD' },
        purchasedAt: '2026-11-20T10:00:00Z',
        currentPeriod: { start: '2026-11-20T00:00:00Z', end: '2027-11-20T00:00:00Z' },
        paymentReference: 'ch_1',
        reason: 'cancellation',
      }),
    },
    ConfirmIdentityDto: { method: 'POST', path: '/v1/refunds/refund-x/confirm-identity', body: () => ({ method: 'm' }) },
    CancelNowDto: { method: 'POST', path: '/v1/dunning/dunning-x/cancel', body: () => ({ reason: 'r' }) },
    RetentionOfferDto: { method: 'POST', path: '/v1/dunning/dunning-x/retention-offer', body: () => ({ offer: 'o' }) },
    EvidenceDto: { method: 'POST', path: '/v1/disputes/dispute-x/evidence', body: () => ({ item: 'access_log', value: 'v' }) },
    SettleSlaCreditsDto: { method: 'POST', path: '/v1/billing/sla-credits/settle', body: () => ({ breachedBefore: '2026-12-01T00:00:00Z', keys: ['k'] }) },
    GenerateReportDto: { method: 'POST', path: '/v1/reports/runs', body: () => ({ kind: 'monthly', period: '2019-01', brand: 'uoozee' }) },
    CreateAccountDto: { method: 'POST', path: '/v1/accounts', body: () => ({ id: 'card-test', brand: 'uoozee', name: 'n' }) },
    CreateAgentDto: { method: 'POST', path: '/v1/agents', body: () => ({ id: 'card-test-agent', brand: 'uoozee', tier: 'L1', teamLead: 'lead-x' }) },
    StartOnboardingDto: { method: 'POST', path: '/v1/agents/card-test-agent/onboarding', body: () => ({ startsOn: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10) }) },
    OnboardingSessionDto: { method: 'POST', path: '/v1/agents/card-test-agent/onboarding/sessions', body: () => ({ module: 'soft-skills', hours: 1, heldOn: '2026-12-07' }) },
    StartMentoredDto: { method: 'POST', path: '/v1/agents/card-test-agent/onboarding/mentor', body: () => ({ mentor: 'lead-x' }) },
    QaScoreDto: { method: 'POST', path: '/v1/agents/card-test-agent/onboarding/qa-scores', body: () => ({ reviewId: 'r1', ticketId: 't1', criteria: { tone: 1 } }) },
    AssignKeyAccountDto: { method: 'PATCH', path: '/v1/api-keys/00000000-0000-4000-8000-000000000000', body: () => ({ account: 'card-test' }) },
    AdoptTicketsDto: { method: 'POST', path: '/v1/accounts/card-test/tickets/adopt', body: () => ({ customerRefs: ['cust_1'], ticketIds: [`ticket-${'a'.repeat(26)}`] }) },
    TakedownNotice: { method: 'POST', path: '/v1/takedowns', body: () => copyrightNotice() as unknown as Record<string, unknown> },
    AssignReviewerDto: { method: 'POST', path: '/v1/takedowns/takedown-x/assign', body: () => ({ reviewer: 'legal-ines' }) },
    RequestInformationDto: { method: 'POST', path: '/v1/takedowns/takedown-x/request-info', body: () => ({ missing: ['statements.signature'], message: 'm' }) },
    DecideTakedownDto: {
      method: 'POST',
      path: '/v1/takedowns/takedown-x/decide',
      body: () => ({ outcome: 'restrict', territorialScope: ['DE'], ground: { kind: 'legal', reference: 'r', explanation: 'e' }, explanation: 'e', endsAt: '2030-06-01T00:00:00Z' }),
    },
    ApplyDecisionDto: { method: 'POST', path: '/v1/takedowns/takedown-x/apply', body: () => ({ authorityInformed: 'a' }) },
    CounterNoticeDto: { method: 'POST', path: '/v1/takedowns/takedown-x/counter-notice', body: () => structuredClone(COUNTER_NOTICE) as unknown as Record<string, unknown> },
    SuitFiledDto: { method: 'POST', path: '/v1/takedowns/takedown-x/suit-filed', body: () => ({ court: 'c' }) },
    RecordPreservationDto: {
      method: 'POST',
      path: '/v1/takedowns/takedown-x/preservations',
      body: () => ({ authority: 'a', reference: 'r', items: [{ contentId: 'vid_1', url: 'https://uoozee.example/watch/vid_1' }] }),
    },
    ExtendPreservationDto: { method: 'POST', path: '/v1/takedowns/takedown-x/preservations/preservation-x/extend', body: () => ({ reference: 'r' }) },
  };

  it('has a policy entry for every string field of every request body in /docs-json, and no stale one', async () => {
    const doc = (await http('GET', '/docs-json')).body as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>>;
      components: { schemas: Record<string, Schema> };
    };
    interface Schema {
      $ref?: string;
      type?: string;
      enum?: unknown[];
      items?: Schema;
      allOf?: Schema[];
      properties?: Record<string, Schema>;
    }
    const named = (ref: string) => ref.split('/').pop()!;
    const stringPaths = (schema: Schema, path: string): string[] => {
      if (schema.$ref) return stringPaths(doc.components.schemas[named(schema.$ref)], path);
      if (schema.allOf) return schema.allOf.flatMap((s) => stringPaths(s, path));
      if (schema.properties) return Object.entries(schema.properties).flatMap(([k, s]) => stringPaths(s, path ? `${path}.${k}` : k));
      if (schema.type === 'array' && schema.items) return stringPaths(schema.items, `${path}[]`);
      return schema.type === 'string' && !schema.enum ? [path] : [];
    };
    const bodies = new Set<string>();
    const missing: string[] = [];
    const documented = new Set<string>();
    for (const [route, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const ref = op.requestBody?.content?.['application/json']?.schema?.$ref;
        if (!ref) continue; // raw bodies: the webhook, the codec, an alert, the takedown notice (checked in the unit test)
        const body = named(ref);
        bodies.add(body);
        for (const field of stringPaths({ $ref: ref }, '')) {
          documented.add(`${body}.${field}`);
          if (!policy[body]?.[field]) missing.push(`${method.toUpperCase()} ${route} ${body}.${field}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(bodies.size).toBeGreaterThan(30);
    // And the other way round: no entry for a body or field the API does not take (any more).
    const stale = Object.entries(policy)
      .filter(([body]) => body !== 'TakedownNotice')
      .flatMap(([body, fields]) => Object.keys(fields).map((field) => `${body}.${field}`))
      .filter((entry) => !documented.has(entry));
    expect(stale).toEqual([]);
  });

  const refuseFields = Object.entries(policy).flatMap(([body, fields]) =>
    Object.entries(fields)
      .filter(([, action]) => action === 'refuse')
      .map(([field]) => ({ body, field: concrete(field) })),
  );

  it('knows a route for every body with a refuse-field', () => {
    expect(refuseFields.map((r) => r.body).filter((b) => !REFUSE_ROUTES[b])).toEqual([]);
  });

  it.each(CARDS.map((c) => [c.separator, c] as const))('refuses a card written with %s in every reference field: 422 naming the field (or 400 where its format already excludes one)', async (_sep, card) => {
    const outcomes: string[] = [];
    for (const { body, field } of refuseFields) {
      const route = REFUSE_ROUTES[body];
      const value = field === 'paymentReference' ? `ch_card_${card.written}_x1` : card.written;
      const key = route.path === '/v1/takedowns' ? undefined : keys[roleAllowedFor(routes, route.method, route.path, ['agent', 'sre', 'legal', 'admin', 'trainer'])];
      const res = await http(route.method, route.path, { key, body: withField(route.body(), field, value) });
      const errors = (res.body?.errors ?? []) as { field: string }[];
      const named = errors.some((e) => e.field === field || field.startsWith(`${e.field}.`));
      const refused = (res.status === 422 && String(res.body.type).endsWith('/card-data-refused')) || res.status === 400;
      if (!(refused && named)) outcomes.push(`${body}.${field}: ${res.status} ${JSON.stringify(errors)}`);
      if (fullCardsIn(res.body).length > 0) outcomes.push(`${body}.${field}: ${res.status} answered the card back: ${JSON.stringify(res.body)}`);
    }
    expect(outcomes).toEqual([]);
  });

  async function expectStoredOnlyRedacted(marker: string): Promise<void> {
    expect(await tablesHoldingFullCards(stack.ds, marker)).toEqual(NO_FULL_CARDS);
  }

  async function act(role: string, path: string, body?: Record<string, unknown>, expected = [200, 201, 202]) {
    const res = await http('POST', path, { key: keys[role], body });
    if (!expected.includes(res.status)) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    expect([path, fullCardsIn(res.body)]).toEqual([path, []]);
    return res;
  }

  it('redacts a card with every separator in every prose field of a ticket: not returned, not stored', async () => {
    const open = await act('client', '/v1/tickets', { brand: 'uoozee', channel: 'email', priority: 'P4', subject: PROSE_WITH_CARDS, description: `${PROSE_WITH_CARDS} (description)`, customerRef: 'cust_card_1' });
    const id = open.body.id as string;
    expect(open.body.subject).toBe(REDACTED);
    const social = await act('client', '/v1/tickets', {
      brand: 'uoozee',
      channel: 'social',
      priority: 'P4',
      subject: 'social',
      description: 'social',
      customerRef: 'cust_card_2',
      socialPost: { url: 'https://social.example/p/1', text: PROSE_WITH_CARDS },
    });
    const flow: Array<[string, string, Record<string, unknown> | undefined]> = [
      ['agent', 'reply', { message: `${PROSE_WITH_CARDS} (agent reply)` }],
      ['client', 'reply', { message: `${PROSE_WITH_CARDS} (client reply)` }],
      ['agent', 'pending', { reason: 'customer', message: `${PROSE_WITH_CARDS} (pending)` }],
      ['agent', 'priority', { priority: 'P3', reason: `${PROSE_WITH_CARDS} (priority)` }],
      ['agent', 'resolve', { resolution: `${PROSE_WITH_CARDS} (resolution)` }],
      ['client', 'reopen', { reason: `${PROSE_WITH_CARDS} (reopen)` }],
      ['agent', 'resolve', { resolution: 'fixed' }],
      ['client', 'csat', { score: 4, comment: `${PROSE_WITH_CARDS} (csat)` }],
    ];
    for (const [role, action, body] of flow) await act(role, `/v1/tickets/${id}/${action}`, body);
    const read = await http('GET', `/v1/tickets/${id}`, { key: keys.agent });
    expect(read.body.description).toBe(`${REDACTED} (description)`);
    expect(read.body.csat.comment).toBe(`${REDACTED} (csat)`);
    expect(fullCardsIn(read.body)).toEqual([]);
    const readSocial = await http('GET', `/v1/tickets/${social.body.id as string}`, { key: keys.agent });
    expect(fullCardsIn(readSocial.body)).toEqual([]);
    expect(readSocial.body.socialPost.text).toContain('•••• 4242');
    await expectStoredOnlyRedacted(`${REDACTED} (csat)`);
  });

  it('finds a card glued to a word: a description "Visa4242424242424242" is redacted, an assignee "ann4242-4242-4242-4242" is a 422', async () => {
    const open = await act('client', '/v1/tickets', { brand: 'uoozee', channel: 'email', priority: 'P4', subject: 'glued card', description: 'Visa4242424242424242', customerRef: 'cust_card_glued' });
    const id = open.body.id as string;
    const assign = await http('POST', `/v1/tickets/${id}/assign`, { key: keys.agent, body: { assignee: 'ann4242-4242-4242-4242' } });
    expect([assign.status, assign.body.type, assign.body.errors]).toEqual([422, expect.stringMatching(/\/card-data-refused$/), [expect.objectContaining({ field: 'assignee' })]]);
    expect(fullCardsIn(assign.body)).toEqual([]);
    const read = await http('GET', `/v1/tickets/${id}`, { key: keys.agent });
    expect(read.body.description).toBe('Visa•••• 4242');
    expect(fullCardsIn(read.body)).toEqual([]);
  });

  it('redacts a card with every separator in every prose field of an incident: not returned, not stored', async () => {
    const open = await act('sre', '/v1/incidents', { brand: 'uoozee', priority: 'P2', title: PROSE_WITH_CARDS, impact: `${PROSE_WITH_CARDS} (impact)`, services: ['search'] });
    const id = open.body.id as string;
    const flow: Array<[string, Record<string, unknown> | undefined]> = [
      ['note', { text: `${PROSE_WITH_CARDS} (note)` }],
      ['priority', { priority: 'P3', reason: `${PROSE_WITH_CARDS} (priority)` }],
      ['acknowledge', undefined],
      ['mitigate', { summary: `${PROSE_WITH_CARDS} (mitigate)` }],
      ['resolve', { summary: `${PROSE_WITH_CARDS} (resolve)` }],
      [
        'review',
        {
          summary: `${PROSE_WITH_CARDS} (review)`,
          rootCauseCategory: 'infrastructure',
          impact: { minutes: 3, affectedUsers: 10 },
          correctiveActions: [{ action: `${PROSE_WITH_CARDS} (action)`, owner: 'team-search', due: '2026-12-15' }],
          costImpact: { amountMinor: 100, currency: 'USD' },
        },
      ],
    ];
    for (const [action, body] of flow) await act('sre', `/v1/incidents/${id}/${action}`, body);
    const read = await http('GET', `/v1/incidents/${id}`, { key: keys.sre });
    expect(read.body.title).toBe(REDACTED);
    expect(read.body.review.summary).toBe(`${REDACTED} (review)`);
    expect(fullCardsIn(read.body)).toEqual([]);
    const events = await http('GET', `/v1/incidents/${id}/events`, { key: keys.sre });
    expect(fullCardsIn(events.body)).toEqual([]);
    await expectStoredOnlyRedacted(`${REDACTED} (review)`);
  });

  it('refuses a refund whose paymentReference is written ch_card_4242_4242_4242_4242_…, and an identity note with a card on a real case', async () => {
    const charge = stripe.addCharge({ amount: 9999, currency: 'usd', authorizationCode: 'A1B2C3', last4: '4444', brand: 'mastercard' });
    const sub = stripe.addSubscription();
    const now = Date.now();
    const body = {
      brand: 'uoozee',
      customerRef: 'cust_card_3',
      subscriptionId: sub.id,
      plan: { interval: 'year', priceMinor: 9999, currency: 'USD' },
      purchasedAt: new Date(now - 2 * DAY).toISOString(),
      currentPeriod: { start: new Date(now - 2 * DAY).toISOString(), end: new Date(now + 363 * DAY).toISOString() },
      paymentReference: charge.id,
      reason: 'cancellation',
    };
    const refused = await http('POST', '/v1/refunds', { key: keys.agent, body: { ...body, paymentReference: 'ch_card_4242_4242_4242_4242_x1' }, headers: { 'idempotency-key': 'card-refund-0' } });
    expect([refused.status, refused.body.errors]).toEqual([422, [expect.objectContaining({ field: 'paymentReference' })]]);
    const open = await act('agent', '/v1/refunds', body);
    const id = open.body.id as string;
    for (const card of CARDS) {
      const note = await http('POST', `/v1/refunds/${id}/confirm-identity`, { key: keys.agent, body: { method: `read back ${card.written}` } });
      expect([card.separator, note.status, note.body.errors]).toEqual([card.separator, 422, [expect.objectContaining({ field: 'method' })]]);
    }
    const read = await http('GET', `/v1/refunds/${id}`, { key: keys.agent });
    expect(read.body.identity).toBeNull();
    expect(fullCardsIn(read.body)).toEqual([]);
  });

  it('redacts a card with every separator in every prose field of a takedown: not returned, not stored', async () => {
    const notice = copyrightNotice({
      claimedJurisdictions: ['US', 'DE'],
      explanation: `${PROSE_WITH_CARDS} (explanation)`,
      statements: { ...copyrightNotice().statements, identificationOfWork: `${PROSE_WITH_CARDS} (work)`, infringingMaterial: `${PROSE_WITH_CARDS} (material)` },
    });
    const filed = await act('client', '/v1/takedowns', notice as unknown as Record<string, unknown>);
    const id = filed.body.caseId as string;
    const path = (action: string) => `/v1/takedowns/${id}/${action}`;
    const decision = { outcome: 'remove', ground: { kind: 'legal', reference: '17 U.S.C. §106(3)', explanation: `${PROSE_WITH_CARDS} (ground)` }, explanation: `${PROSE_WITH_CARDS} (facts)` };
    for (const [action, body] of [
      ['note', { text: `${PROSE_WITH_CARDS} (note)` }],
      ['request-info', { missing: ['statements.signature'], message: `${PROSE_WITH_CARDS} (request)` }],
      ['info-received', { note: `${PROSE_WITH_CARDS} (received)` }],
      ['assign', { reviewer: 'legal-ines' }],
      ['decide', decision],
      ['apply', {}],
      ['counter-notice', { ...COUNTER_NOTICE, materialIdentification: `${PROSE_WITH_CARDS} (counter)` }],
    ] as const) {
      await act('legal', path(action), body as Record<string, unknown>);
    }
    const read = await http('GET', `/v1/takedowns/${id}`, { key: keys.legal });
    expect(fullCardsIn(read.body)).toEqual([]);
    const history = await http('GET', `/v1/takedowns/${id}/history`, { key: keys.legal });
    expect(fullCardsIn(history.body)).toEqual([]);
    await expectStoredOnlyRedacted(`${REDACTED} (note)`);

    // A DSA case: the uploader's complaint, and another reviewer's answer to it (Art. 20).
    const dsa = await act('client', '/v1/takedowns', copyrightNotice({ claimedJurisdictions: ['DE'] }) as unknown as Record<string, unknown>);
    const dsaPath = (action: string) => `/v1/takedowns/${dsa.body.caseId as string}/${action}`;
    await waitFor(async () => (await http('GET', `/v1/takedowns/${dsa.body.caseId as string}`, { key: keys.legal })).body.state === 'triage', { what: 'the DSA case in triage' });
    await act('legal', dsaPath('assign'), { reviewer: 'legal-ines' });
    await act('legal', dsaPath('decide'), { ...decision, explanation: 'facts' });
    await act('legal', dsaPath('complaint'), { by: 'uploader', grounds: `${PROSE_WITH_CARDS} (grounds)` });
    await act('legal2', dsaPath('uphold'), { reasons: `${PROSE_WITH_CARDS} (reasons)` });
    const dsaHistory = await http('GET', dsaPath('history'), { key: keys.legal });
    expect(fullCardsIn(dsaHistory.body)).toEqual([]);
    expect(fullCardsIn((await http('GET', `/v1/takedowns/${dsa.body.caseId as string}`, { key: keys.legal })).body)).toEqual([]);
    await expectStoredOnlyRedacted(`${REDACTED} (reasons)`);
  });
});
