import { ZodTypeAny } from 'zod';
import { applyCardDataPolicy, boundCardDataFields, CARD_DATA_POLICY, CardDataAction, redactCards, WORKFLOW_CARD_DATA } from '../../src/domain/card-data-policy';
import { containsCardNumber } from '../../src/domain/billing/card-redaction';
import { takedownNoticeSchema } from '../../src/domain/takedown/notice';
import * as billing from '../../src/workflows/billing/messages';
import * as incident from '../../src/workflows/incident/messages';
import * as preservation from '../../src/workflows/takedown/preservation-messages';
import * as takedown from '../../src/workflows/takedown/messages';
import * as ticket from '../../src/workflows/ticket/messages';

const CARD = '4242 4242 4242 4242';

describe('applyCardDataPolicy', () => {
  const fields: Record<string, CardDataAction> = { subject: 'redact', customerRef: 'refuse', 'items[].url': 'refuse', 'socialPost.text': 'redact', 'services[]': 'redact' };

  it('redacts prose to the last four and names the references that hold a card, by their concrete path', () => {
    const body = {
      subject: `charged twice on ${CARD}`,
      customerRef: 'cust_4242_4242_4242_4242',
      items: [{ url: 'https://x.example/a' }, { url: 'https://x.example/4242-4242-4242-4242' }],
      socialPost: { text: `card 4242.4242.4242.4242`, url: 'https://social.example/1' },
      services: ['cdn', '4242424242424242'],
      other: CARD,
    };
    const { value, refused } = applyCardDataPolicy(fields, body, { refuse: true });
    expect(value.subject).toBe('charged twice on •••• 4242');
    expect(value.socialPost.text).toBe('card •••• 4242');
    expect(value.services).toEqual(['cdn', '•••• 4242']);
    expect(refused.sort()).toEqual(['customerRef', 'items.1.url']);
    // Refused fields are left as they are (the request fails); fields without a policy entry too.
    expect(value.customerRef).toBe(body.customerRef);
    expect(value.other).toBe(CARD);
    // A copy: the input is untouched.
    expect(body.subject).toContain(CARD);
  });

  it('redacts refuse-fields as well where input can no longer be refused (a workflow start)', () => {
    const { value, refused } = applyCardDataPolicy(fields, { customerRef: 'cust_4242_4242_4242_4242', items: [{ url: 'https://x.example/4242424242424242' }] }, { refuse: false });
    expect(refused).toEqual([]);
    expect(value.customerRef).toBe('cust_•••• 4242');
    expect(value.items[0].url).toBe('https://x.example/•••• 4242');
  });

  it('keeps the class of the value, other types, and missing fields', () => {
    class Dto {
      subject = CARD;
      customerRef = 'c1';
    }
    const { value } = applyCardDataPolicy(fields, new Dto(), { refuse: true });
    expect(value).toBeInstanceOf(Dto);
    expect(value.subject).toBe('•••• 4242');
    const odd = { subject: 42, items: 'not an array', socialPost: null };
    expect(applyCardDataPolicy(fields, odd, { refuse: true }).value).toBe(odd);
  });

  it('leaves no card behind, however the digits fall', () => {
    for (const text of [`${CARD} ${CARD}`, '42424242424242424242424242424242', `4242424242424242 4242 4242 4242 4242`]) {
      expect(containsCardNumber(redactCards(text))).toBe(false);
    }
  });
});

/** Every string field of a zod schema, as the policy spells paths. */
function zodStringPaths(schema: ZodTypeAny, path: string): string[] {
  const def = schema._def as { typeName: string; schema?: ZodTypeAny; innerType?: ZodTypeAny; type?: ZodTypeAny; shape?: () => Record<string, ZodTypeAny> };
  switch (def.typeName) {
    case 'ZodEffects':
      return zodStringPaths(def.schema!, path);
    case 'ZodOptional':
    case 'ZodDefault':
    case 'ZodNullable':
      return zodStringPaths(def.innerType!, path);
    case 'ZodArray':
      return zodStringPaths(def.type!, `${path}[]`);
    case 'ZodObject':
      return Object.entries(def.shape!()).flatMap(([key, child]) => zodStringPaths(child, path ? `${path}.${key}` : key));
    case 'ZodString':
      return [path];
    default:
      return []; // enums, booleans, numbers: no free text
  }
}

describe('the card-data policy covers', () => {
  it('every string field of the takedown notice (a zod schema, not a DTO)', () => {
    expect(Object.keys(CARD_DATA_POLICY.TakedownNotice).sort()).toEqual(zodStringPaths(takedownNoticeSchema, '').sort());
  });

  it('every update a person sends with text, by the names the workflows define', () => {
    const modules = { ticketWorkflow: ticket, incidentWorkflow: incident, refundWorkflow: billing, disputeWorkflow: billing, dunningWorkflow: billing, takedownWorkflow: takedown, preservationWorkflow: preservation };
    const updateNames = (m: object) => Object.values(m).flatMap((v: unknown) => (typeof v === 'object' && v !== null && (v as { type?: string }).type === 'update' ? [(v as { name: string }).name] : []));
    // Updates whose argument holds no text: the actor and flags, a hash, a pinned policy.
    const noText = new Set(['intake', 'close', 'acknowledge', 'retentionAnswer', 'repin']);
    for (const [workflowType, module] of Object.entries(modules)) {
      const bound = Object.keys(WORKFLOW_CARD_DATA[workflowType]?.updates ?? {});
      const defined = updateNames(module);
      for (const name of bound) expect(defined).toContain(name);
      if (module !== billing) for (const name of defined) if (!noText.has(name)) expect([workflowType, bound]).toEqual([workflowType, expect.arrayContaining([name])]);
    }
  });

  it('maps the request body onto the workflow argument (renamed and nested fields)', () => {
    expect(boundCardDataFields({ body: 'CreateRefundDto', rename: { paymentReference: 'chargeId' } })).toMatchObject({ chargeId: 'refuse', customerRef: 'refuse' });
    expect(boundCardDataFields(WORKFLOW_CARD_DATA.takedownWorkflow.updates!.decide)).toMatchObject({ 'decision.facts': 'redact', 'decision.ground.explanation': 'redact' });
    expect(boundCardDataFields(WORKFLOW_CARD_DATA.takedownWorkflow.start!)).toMatchObject({ 'notice.explanation': 'redact', 'notice.notifier.email': 'refuse' });
  });
});
