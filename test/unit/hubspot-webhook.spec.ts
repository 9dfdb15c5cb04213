import { plainText } from '../../src/integrations/crm/hubspot-crm';
import { HubSpotPayloadError, HubSpotSignatureError, parseHubSpotEvents, verifyHubSpotSignature } from '../../src/integrations/crm/hubspot-webhook';
import { hubSpotSignatureV3 } from '../fakes/hubspot';

const secret = 'app-client-secret-123456';
const url = 'https://caseworks.example.com/v1/webhooks/crm';
const rawBody = JSON.stringify([{ eventId: 1, subscriptionType: 'ticket.propertyChange', objectId: 7, propertyName: 'caseworks_priority', propertyValue: 'S1' }]);
const now = 1_796_400_000_000;
const signed = (over: Partial<Parameters<typeof verifyHubSpotSignature>[0]> = {}) => ({ method: 'POST', url, rawBody, secret, now, timestamp: String(now), signature: hubSpotSignatureV3(secret, 'POST', url, rawBody, now), ...over });
const refusal = (f: () => void) => {
  try {
    f();
  } catch (err) {
    return err instanceof HubSpotSignatureError ? err.header : `unexpected ${String(err)}`;
  }
  return 'accepted';
};

describe('HubSpot webhook signatures (v3)', () => {
  it('accepts what HubSpot signs, and nothing changed in method, URL, body or timestamp', () => {
    expect(refusal(() => verifyHubSpotSignature(signed()))).toBe('accepted');
    expect(refusal(() => verifyHubSpotSignature(signed({ rawBody: rawBody.replace('S1', 'S2') })))).toBe('header:X-HubSpot-Signature-v3');
    expect(refusal(() => verifyHubSpotSignature(signed({ url: url.replace('https', 'http') })))).toBe('header:X-HubSpot-Signature-v3');
    expect(refusal(() => verifyHubSpotSignature(signed({ method: 'PUT' })))).toBe('header:X-HubSpot-Signature-v3');
    expect(refusal(() => verifyHubSpotSignature(signed({ secret: 'another-secret-entirely' })))).toBe('header:X-HubSpot-Signature-v3');
  });

  it('refuses a delivery stamped more than 5 minutes away, either way, and one without headers', () => {
    const at = (offset: number) => signed({ timestamp: String(now + offset), signature: hubSpotSignatureV3(secret, 'POST', url, rawBody, now + offset) });
    expect(refusal(() => verifyHubSpotSignature(at(-300_000)))).toBe('accepted');
    expect(refusal(() => verifyHubSpotSignature(at(-300_001)))).toBe('header:X-HubSpot-Request-Timestamp');
    expect(refusal(() => verifyHubSpotSignature(at(300_001)))).toBe('header:X-HubSpot-Request-Timestamp');
    expect(refusal(() => verifyHubSpotSignature(signed({ signature: undefined })))).toBe('header:X-HubSpot-Signature-v3');
    expect(refusal(() => verifyHubSpotSignature(signed({ timestamp: 'soon' })))).toBe('header:X-HubSpot-Request-Timestamp');
  });
});

describe('HubSpot webhook events', () => {
  it('reads property changes and generic object events, IDs as strings', () => {
    expect(parseHubSpotEvents([{ eventId: 9000001, subscriptionType: 'object.creation', objectTypeId: '0-46', objectId: 123, sourceId: 'userId:42', occurredAt: 5 }])).toEqual([
      { eventId: '9000001', subscriptionType: 'object.creation', objectTypeId: '0-46', objectId: '123', propertyName: null, propertyValue: null, sourceId: 'userId:42', occurredAt: 5 },
    ]);
  });

  it('names the field of a malformed event', () => {
    const field = (body: unknown) => {
      try {
        parseHubSpotEvents(body);
      } catch (err) {
        return err instanceof HubSpotPayloadError ? err.field : 'other';
      }
      return 'accepted';
    };
    expect(field({})).toBe('body');
    expect(field([{ eventId: 'x', subscriptionType: 'ticket.propertyChange', objectId: 1 }])).toBe('body[0].eventId');
    expect(field([{ eventId: 1, subscriptionType: 'ticket.propertyChange', objectId: 1, objectTypeId: 'note' }])).toBe('body[0].objectTypeId');
    expect(field([{ eventId: 1, subscriptionType: 'drop table', objectId: 1 }])).toBe('body[0].subscriptionType');
    expect(field(Array.from({ length: 101 }, () => ({})))).toBe('body');
  });
});

describe('a HubSpot note body as text', () => {
  it('drops the editor HTML, reads entities, keeps paragraphs as lines', () => {
    expect(plainText('<p>Called &amp; agreed <b>Friday</b>.</p><p>Next: &lt;QBR&gt;&nbsp;call</p>')).toBe('Called & agreed Friday.\nNext: <QBR> call');
    expect(plainText('  plain   text  ')).toBe('plain text');
  });
});
