import fc from 'fast-check';
import { isTicketId, requestHash, ticketIdFor } from '../../src/api/tickets/ticket-ids';

describe('ticketIdFor', () => {
  it('is deterministic for the same caller and Idempotency-Key', () => {
    expect(ticketIdFor('key_a', 'order-1')).toBe(ticketIdFor('key_a', 'order-1'));
  });

  it('differs across callers that use the same key', () => {
    expect(ticketIdFor('key_a', 'order-1')).not.toBe(ticketIdFor('key_b', 'order-1'));
  });

  it('differs across keys of the same caller', () => {
    expect(ticketIdFor('key_a', 'order-1')).not.toBe(ticketIdFor('key_a', 'order-2'));
  });

  it('does not let caller and key run into each other ("ab"+"c" ≠ "a"+"bc")', () => {
    expect(ticketIdFor('ab', 'c')).not.toBe(ticketIdFor('a', 'bc'));
  });

  it('treats an empty Idempotency-Key as a key, not as "no key"', () => {
    expect(ticketIdFor('key_a', '')).toBe(ticketIdFor('key_a', ''));
  });

  it('is random without a key', () => {
    const ids = new Set(Array.from({ length: 50 }, () => ticketIdFor('key_a', undefined)));
    expect(ids.size).toBe(50);
    expect(ids.has(ticketIdFor('key_a', 'x'))).toBe(false);
  });

  it('property: deterministic, well-formed, and caller-scoped for any caller and key', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (caller, otherCaller, key) => {
        fc.pre(caller !== otherCaller);
        const id = ticketIdFor(caller, key);
        expect(isTicketId(id)).toBe(true);
        expect(ticketIdFor(caller, key)).toBe(id);
        expect(ticketIdFor(otherCaller, key)).not.toBe(id);
      }),
    );
  });
});

describe('isTicketId', () => {
  it('matches what ticketIdFor produces, with and without a key', () => {
    const withKey = ticketIdFor('key_a', 'order-1');
    const random = ticketIdFor('key_a', undefined);
    expect(withKey).toMatch(/^ticket-[a-z2-7]{26}$/);
    expect(random).toMatch(/^ticket-[a-z2-7]{26}$/);
    expect(isTicketId(withKey)).toBe(true);
    expect(isTicketId(random)).toBe(true);
  });

  it.each([
    '',
    'ticket-',
    'ticket-abc',
    'ticket-' + 'a'.repeat(25),
    'ticket-' + 'a'.repeat(27),
    'ticket-' + 'A'.repeat(26),
    'ticket-' + 'a'.repeat(25) + '-',
    'Ticket-' + 'a'.repeat(26),
    'case-' + 'a'.repeat(26),
    ' ticket-' + 'a'.repeat(26),
    'ticket-' + 'a'.repeat(26) + '\n',
    'ticket-' + 'a'.repeat(26) + '/../x',
  ])('rejects %j', (id) => {
    expect(isTicketId(id)).toBe(false);
  });

  it('rejects an otherwise valid ID once any character is changed to an upper-case letter', () => {
    const id = ticketIdFor('key_a', 'order-1');
    const broken = id.slice(0, -1) + 'Z';
    expect(isTicketId(broken)).toBe(false);
  });
});

describe('requestHash', () => {
  const body = { brand: 'uoozee', channel: 'email', priority: 'P2', subject: 'Playback stops', description: 'since yesterday', customerRef: 'cust_4711' };

  it('is a sha-256 hex digest', () => {
    expect(requestHash(body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores key order', () => {
    const reversed = Object.fromEntries(Object.entries(body).reverse());
    expect(Object.keys(reversed)).not.toEqual(Object.keys(body));
    expect(requestHash(reversed)).toBe(requestHash(body));
  });

  it.each(Object.keys(body))('changes when %s changes', (field) => {
    const changed = { ...body, [field]: `${(body as Record<string, string>)[field]}!` };
    expect(requestHash(changed)).not.toBe(requestHash(body));
  });

  it('changes when a field is added or removed', () => {
    const { customerRef: _omitted, ...without } = body;
    void _omitted;
    expect(requestHash(without)).not.toBe(requestHash(body));
    expect(requestHash({ ...body, extra: 'x' })).not.toBe(requestHash(body));
  });

  it('property: for flat string records, any key order gives the same hash and any changed value a different one', () => {
    const record = fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { minKeys: 1 });
    fc.assert(
      fc.property(record, fc.nat(), fc.string(), (r, pick, suffix) => {
        const entries = Object.entries(r);
        const shuffled = Object.fromEntries([...entries].reverse());
        expect(requestHash(shuffled)).toBe(requestHash(r));

        const [k, v] = entries[pick % entries.length];
        const changedValue = v + (suffix || 'x');
        const changed = { ...r, [k]: changedValue };
        expect(requestHash(changed)).not.toBe(requestHash(r));
      }),
    );
  });
});

describe('requestHash — nested bodies', () => {
  it('sees a change inside a nested object, and ignores key order at every depth', () => {
    expect(requestHash({ a: { x: 1 } })).not.toBe(requestHash({ a: { x: 2 } }));
    expect(requestHash({ a: { x: 1, y: [1, { p: 1, q: 2 }] }, b: 2 })).toBe(requestHash({ b: 2, a: { y: [1, { q: 2, p: 1 }], x: 1 } }));
    expect(requestHash({ a: [1, 2] })).not.toBe(requestHash({ a: [2, 1] }));
  });
});
