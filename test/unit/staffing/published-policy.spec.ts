import { publishedPolicy } from '../../../src/api/policies/published-policy';
import { policyPackSchema } from '../../../src/domain/policy/policy.schema';

const pack = policyPackSchema.parse({
  brand: 'acme',
  version: 'v7',
  displayName: 'Acme',
  source: 'test',
  calendars: {
    business: {
      timeZone: 'America/Chicago',
      weekly: { mon: [{ start: '09:00', end: '17:00' }] },
      holidays: ['2027-03-15'],
      holidayRules: { rules: [{ id: 'christmas-day', date: '12-25', observed: 'us-federal' }] },
    },
  },
  priorities: { P1: { label: 'Down', coverage: 'business', firstResponse: '15m' } },
  channels: { chat: { firstResponse: '2m' } },
  credits: { plans: ['gold'], perBreach: [{ priority: 'P1', metric: 'firstResponse', percent: 10 }], monthlyCapPercent: 25 },
  plans: { gold: { label: 'Gold', coverage: '24x7', channels: ['chat'] } },
  incidents: {
    alerting: { rules: [], default: { minCount: 1, within: '10m', priority: 'P1', autoResolveAfter: '30m' } },
    escalation: { levels: [{ targets: ['rotation:x'], ackTimeout: '5m' }] },
    review: { dueAfter: '40h', escalateTo: 'lead', triageOwner: 'triage' },
  },
});

/** 000: "publish these SLAs internally and to enterprise customers": what a pack publishes. */
describe('publishedPolicy (src/api/policies/published-policy.ts)', () => {
  it("lists a calendar's closed dates in the years asked: the pack's own dates and those its rules give (Christmas 2027 is a Saturday: closed Friday the 24th)", () => {
    const business = (years: number[]) => publishedPolicy(pack, years).calendars.find((c) => c.name === 'business');
    expect(business([2027])).toMatchObject({ alwaysOpen: false, timeZone: 'America/Chicago', holidays: ['2027-03-15', '2027-12-24'] });
    expect(business([2028])?.holidays).toEqual(['2028-12-25']);
    expect(business([2027, 2028])?.holidays).toEqual(['2027-03-15', '2027-12-24', '2028-12-25']);
  });

  it('publishes version, targets, plans and the credit schedule, and leaves incident paging out', () => {
    const view = publishedPolicy(pack, [2027]);
    expect(view).toMatchObject({ brand: 'acme', version: 'v7', credits: { monthlyCapPercent: 25 } });
    expect(view.priorities).toEqual([{ priority: 'P1', label: 'Down', coverage: 'business', firstResponse: '15m' }]);
    expect(view.channels).toEqual([{ channel: 'chat', firstResponse: '2m' }]);
    expect(view.plans).toEqual([{ plan: 'gold', label: 'Gold', coverage: '24x7', channels: ['chat'] }]);
    expect(view.calendars[0]).toEqual({ name: '24x7', alwaysOpen: true, holidays: [] });
    expect(view).not.toHaveProperty('incidents');
  });
});
