import { timingSafeEqual } from 'node:crypto';
import { Signature } from '@hubspot/api-client';

/** HubSpot signs each delivery (v3) and stamps it; older than this, a delivery is refused (HubSpot's own rule). */
export const HUBSPOT_MAX_SIGNATURE_AGE_MS = 5 * 60_000;

export class HubSpotSignatureError extends Error {
  constructor(
    message: string,
    readonly header: string,
  ) {
    super(message);
    this.name = 'HubSpotSignatureError';
  }
}

export class HubSpotPayloadError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'HubSpotPayloadError';
  }
}

/**
 * Checks X-HubSpot-Signature-v3: base64 HMAC-SHA256 under the app's client secret of method +
 * the URL HubSpot called + the raw body + X-HubSpot-Request-Timestamp, computed by the official
 * client and compared in constant time. A timestamp more than 5 minutes away (either way) is
 * refused, so a captured delivery cannot be replayed later.
 */
export function verifyHubSpotSignature(d: { method: string; url: string; rawBody: string; signature: string | undefined; timestamp: string | undefined; secret: string; now?: number }): void {
  if (!d.signature) throw new HubSpotSignatureError('no X-HubSpot-Signature-v3 header', 'header:X-HubSpot-Signature-v3');
  const at = Number(d.timestamp);
  if (!d.timestamp || !Number.isSafeInteger(at)) throw new HubSpotSignatureError('no X-HubSpot-Request-Timestamp (milliseconds)', 'header:X-HubSpot-Request-Timestamp');
  if (Math.abs((d.now ?? Date.now()) - at) > HUBSPOT_MAX_SIGNATURE_AGE_MS) throw new HubSpotSignatureError('the delivery is more than 5 minutes old (or ahead)', 'header:X-HubSpot-Request-Timestamp');
  const expected = Buffer.from(Signature.getSignature(d.method.toUpperCase(), 'v3', { signature: d.signature, clientSecret: d.secret, requestBody: d.rawBody, url: d.url, timestamp: at }), 'base64');
  const given = Buffer.from(d.signature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HubSpotSignatureError('the signature does not verify', 'header:X-HubSpot-Signature-v3');
}

/** One change HubSpot tells of (its webhook event), the fields this service reads. */
export interface HubSpotEvent {
  eventId: string;
  subscriptionType: string;
  /** Generic (object.*) events name the object's type: '0-46' is a note, '0-5' a ticket. */
  objectTypeId: string | null;
  objectId: string;
  propertyName: string | null;
  propertyValue: string | null;
  /** Who changed it: HubSpot's `sourceId` (e.g. "userId:4211"), when it says. */
  sourceId: string | null;
  occurredAt: number | null;
}

const MAX_EVENTS = 100; // HubSpot batches at most 100 events per delivery

/** The delivery's events, each checked for the fields it needs; a malformed one names its index. */
export function parseHubSpotEvents(body: unknown): HubSpotEvent[] {
  if (!Array.isArray(body)) throw new HubSpotPayloadError('body', 'a JSON array of HubSpot webhook events');
  if (body.length > MAX_EVENTS) throw new HubSpotPayloadError('body', `at most ${MAX_EVENTS} events per delivery`);
  return body.map((e: unknown, i) => {
    if (typeof e !== 'object' || e === null) throw new HubSpotPayloadError(`body[${i}]`, 'an event object');
    const o = e as Record<string, unknown>;
    const id = (v: unknown, field: string): string => {
      if ((typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'string' && /^[0-9]{1,20}$/.test(v))) return String(v);
      throw new HubSpotPayloadError(`body[${i}].${field}`, 'a numeric ID');
    };
    const optionalText = (v: unknown, field: string, max = 2000): string | null => {
      if (v === undefined || v === null) return null;
      if (typeof v !== 'string' || v.length > max) throw new HubSpotPayloadError(`body[${i}].${field}`, `a string of at most ${max} characters`);
      return v;
    };
    if (typeof o.subscriptionType !== 'string' || !/^[a-z_]+\.[a-zA-Z_]+$/.test(o.subscriptionType)) throw new HubSpotPayloadError(`body[${i}].subscriptionType`, 'e.g. ticket.propertyChange');
    return {
      eventId: id(o.eventId, 'eventId'),
      subscriptionType: o.subscriptionType,
      objectTypeId: o.objectTypeId === undefined || o.objectTypeId === null ? null : objectType(o.objectTypeId, `body[${i}].objectTypeId`),
      objectId: id(o.objectId, 'objectId'),
      propertyName: optionalText(o.propertyName, 'propertyName', 200),
      propertyValue: optionalText(o.propertyValue, 'propertyValue'),
      sourceId: optionalText(o.sourceId, 'sourceId', 200),
      occurredAt: typeof o.occurredAt === 'number' && Number.isFinite(o.occurredAt) ? o.occurredAt : null,
    };
  });
}

function objectType(v: unknown, field: string): string {
  if (typeof v === 'string' && /^[0-9]{1,3}-[0-9]{1,12}$/.test(v)) return v;
  throw new HubSpotPayloadError(field, 'an object type ID such as 0-46');
}
