import fc from 'fast-check';
import { assertNoCardData, CardDataError, containsCardNumber, last4Only, luhnValid } from '../../../src/domain/billing/card-redaction';

describe('last4Only', () => {
  it.each([
    ['4242 4242 4242 4242', '•••• 4242'],
    ['4111-1111-1111-1111', '•••• 1111'],
    ['5555555555554444', '•••• 4444'],
    ['378282246310005', '•••• 0005'], // Amex, 15 digits
    ['6011 1111 1111 1117', '•••• 1117'],
  ])('masks a Luhn-valid card number %s', (pan, masked) => {
    expect(last4Only(`my card is ${pan}, please refund`)).toBe(`my card is ${masked}, please refund`);
  });

  it('keeps digit runs that fail Luhn or are too short or too long', () => {
    const text = 'order 1234-5678-9012-3456, ticket 12345, phone 0044 20 7946 0958, ts 1700000000000, ref 42424242424242424242';
    expect(luhnValid('1234567890123456')).toBe(false);
    expect(last4Only(text)).toBe(text);
  });

  it('finds the card when a CVC follows it in the same run of digits', () => {
    expect(last4Only('4242424242424242 123')).toBe('•••• 4242 123');
    expect(last4Only('exp 12 30 4000 0566 5566 5556 cvc 999')).toBe('exp 12 30 •••• 5556 cvc 999');
  });

  it('masks several cards and leaves the rest of the text alone', () => {
    expect(last4Only('old 4242424242424242 / new 5555-5555-5555-4444.')).toBe('old •••• 4242 / new •••• 4444.');
  });

  it('leaves identifiers alone: digit stretches inside a UUID or a gateway ID are not cards', () => {
    // "9830-2416" + "19464275076" inside this UUID passed Luhn: a refund's own snapshot read as card data.
    const uuid = 'b23a9830-2416-4a9f-ac22-19464275076d';
    expect(containsCardNumber(uuid)).toBe(false);
    expect(containsCardNumber(`{"id":"${uuid}","ref":"re_3MtwBwLkdIwHu7ix0snN0B15","key":"refund:${uuid}","case":"takedown-5fedc072e04a4a3dbc84366e9d"}`)).toBe(false);
    expect(containsCardNumber(uuid.toUpperCase())).toBe(false);
    fc.assert(fc.property(fc.uuid(), (id) => !containsCardNumber(id) && !containsCardNumber(`case ${id}.`)), { numRuns: 20_000 });
  });

  it('still finds a card next to punctuation, quotes, or a word joined by a dash or underscore', () => {
    expect(containsCardNumber('"4242424242424242"')).toBe(true);
    expect(containsCardNumber('card:4242-4242-4242-4242.')).toBe(true);
    expect(containsCardNumber('(5555 5555 5555 4444)')).toBe(true);
    expect(containsCardNumber('visa-4111 1111 1111 1111')).toBe(true);
    expect(containsCardNumber('pan-4111111111111111')).toBe(true);
    expect(containsCardNumber('pan_4111111111111111')).toBe(true);
    expect(containsCardNumber('4111111111111111-exp 12/30')).toBe(true);
    expect(containsCardNumber(`${'b23a9830-2416-4a9f-ac22-19464275076d'} 4111111111111111`)).toBe(true);
  });

  it.each([
    ['Visa4242424242424242', 'Visa•••• 4242'],
    ['4242424242424242exp1228', '•••• 4242exp1228'],
    ['cust4242-4242-4242-4242', 'cust•••• 4242'],
    ['ann4242-4242-4242-4242', 'ann•••• 4242'],
    ['MC5555555555554444', 'MC•••• 4444'],
    ['x4242.4242.4242.4242', 'x•••• 4242'],
    ['ch_card4242_4242_4242_4242', 'ch_card•••• 4242'],
    ['card:Amex378282246310005!', 'card:Amex•••• 0005!'],
  ])('finds a card glued to a word that is not a hex ID: %s', (text, masked) => {
    expect(containsCardNumber(text)).toBe(true);
    expect(last4Only(text)).toBe(masked);
  });

  it('leaves a digit stretch glued into a hex token (a hash, an object ID, 0x…) to that ID', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    for (const id of ['ab4242424242424242', '4242424242424242cd', 'ab4242424242424242cd', '0x4242424242424242', 'DEADBEEF4242424242424242']) {
      expect(containsCardNumber(id)).toBe(false);
      expect(containsCardNumber(`ref ${id}.`)).toBe(false);
    }
    // The ID's own group stays with it; the groups after it are still searched.
    expect(last4Only('ab4242 4242 4242 4242 4242')).toBe('ab4242 •••• 4242');
  });

  it('reads groups as a card only when printed like one (a first group of four)', () => {
    // 200+10008+512+2048 passes Luhn; an access-log line pasted as dispute evidence is not a card.
    expect(luhnValid('200100085122048')).toBe(true);
    expect(containsCardNumber('GET /watch 200 10008 512 2048')).toBe(false);
    expect(containsCardNumber('3782 822463 10005')).toBe(true); // Amex, 4-6-5
  });

  // Luhn-valid test PANs: Visa, Mastercard, Discover, a 19-digit Visa; 4-4-4-4(-3) printing.
  const PANS = ['4242424242424242', '5555555555554444', '6011111111111117', '4000056655665556', '4111111111111111003'];
  const SEPARATORS: Array<[string, string]> = [
    ['space', ' '],
    ['dash', '-'],
    ['underscore', '_'],
    ['dot', '.'],
    ['none', ''],
  ];
  const grouped = (pan: string, sep: string) => pan.match(/.{1,4}/g)!.join(sep);

  describe.each(SEPARATORS)('a card written with %s between its groups', (_name, sep) => {
    it.each(PANS)('is found in prose, in a reference and next to punctuation (%s)', (pan) => {
      const card = grouped(pan, sep);
      for (const text of [`my card is ${card}, please refund`, `ch_card_${card}_x1`, `(${card})`, `pan_${card}.`, card]) {
        expect(containsCardNumber(text)).toBe(true);
        const masked = last4Only(text);
        expect(masked).toContain(`•••• ${pan.slice(-4)}`);
        expect(masked.replace(/\D/g, '')).toBe(text.replace(/\D/g, '').replace(pan, pan.slice(-4)));
      }
    });
  });

  it('finds a refund paymentReference written ch_card_4242_4242_4242_4242_…', () => {
    expect(containsCardNumber('ch_card_4242_4242_4242_4242_xyz')).toBe(true);
    expect(containsCardNumber('ch_card_4242_4242_4242_4242_4242abc')).toBe(true);
  });

  it('reads digits after a "+" that starts a token as a phone number, but not after "jane+" in an e-mail address', () => {
    expect(luhnValid('4930123456786')).toBe(true);
    expect(containsCardNumber('call +4930123456786')).toBe(false);
    expect(containsCardNumber('jane+4242424242424242@studio.example')).toBe(true);
  });

  it('never reads a UUID, a Stripe ID, an ISO date or time, a phone number or an order number as a card', () => {
    const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
    const stripeId = fc
      .tuple(fc.constantFrom('ch', 'pi', 're', 'py', 'cus', 'sub', 'in', 'evt', 'dp', 'txn'), fc.stringOf(alnum, { minLength: 14, maxLength: 28 }))
      .map(([prefix, body]) => `${prefix}_3${body}`);
    const isoTime = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z') }).chain((d) =>
      fc.constantFrom(d.toISOString(), d.toISOString().slice(0, 10), d.toISOString().replace('Z', '+05:30'), d.toISOString().slice(0, 19).replace('T', ' '), d.toISOString().slice(0, 10).split('-').reverse().join('.')),
    );
    const digits = (min: number, max: number) => fc.stringOf(fc.constantFrom(...'0123456789'.split('')), { minLength: min, maxLength: max });
    const sep = fc.constantFrom(' ', '-', '.', '_');
    // E.164 (at most 15 digits) and national forms: a country code, an area code, then groups.
    const phone = fc.oneof(
      fc.tuple(digits(1, 3), digits(9, 12)).map(([cc, rest]) => `+${cc}${rest}`),
      fc.tuple(digits(1, 3), sep, digits(2, 3), sep, digits(3, 4), sep, digits(3, 4)).map(([cc, s1, area, s2, a, s3, b]) => `+${cc}${s1}${area}${s2}${a}${s3}${b}`),
      fc.tuple(digits(3, 4), sep, digits(3, 4), sep, digits(4, 4)).map(([a, s1, b, s2, c]) => `(${a})${s1}${b}${s2}${c}`),
    );
    const orderNumber = fc.oneof(
      digits(4, 12).map((d) => `order #${d}`),
      fc.tuple(digits(4, 4), digits(4, 8)).map(([y, n]) => `ORD-${y}-${n}`),
      digits(6, 12).map((d) => `INV_${d}`),
    );
    const identifier = fc.oneof(fc.uuid(), stripeId, isoTime, phone, orderNumber);
    fc.assert(
      fc.property(identifier, fc.constantFrom('', 'ref ', '"', 'ID: '), (id, before) => !containsCardNumber(`${before}${id}`) && last4Only(`${before}${id}.`) === `${before}${id}.`),
      { numRuns: 20_000 },
    );
  });

  it('never reads a random hex ID (32 or 40 characters, bare, 0x… or after a prefix) or a base62/base32 ID as a card', () => {
    const chars = (alphabet: string, min: number, max: number) => fc.stringOf(fc.constantFrom(...alphabet.split('')), { minLength: min, maxLength: max });
    // Digit-heavy on purpose: hex IDs whose digit stretches are long enough to be read as a card.
    const hex = fc.oneof(chars('0123456789abcdef', 32, 32), chars('0123456789ABCDEF', 40, 40), chars('0123456789abcdef', 24, 64), chars('0123456789a', 32, 32));
    const base62 = chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 14, 32);
    const base32 = chars('abcdefghijklmnopqrstuvwxyz234567', 26, 26);
    const id = fc.oneof(
      hex,
      hex.map((h) => `0x${h}`),
      fc.tuple(fc.constantFrom('takedown-', 'refund-', 'evt_', 'sha256:', 'id='), hex).map(([p, h]) => p + h),
      base62,
      fc.tuple(fc.constantFrom('ch_', 'pi_', 'cus_', 'txn_'), base62).map(([p, b]) => p + b),
      base32.map((b) => `ticket-${b}`),
    );
    fc.assert(
      fc.property(id, fc.constantFrom('', 'ref ', '"', 'ID: '), (value, before) => !containsCardNumber(`${before}${value}`) && last4Only(`${before}${value}.`) === `${before}${value}.`),
      { numRuns: 20_000 },
    );
  });

  it('never leaves more than four digits of a masked card', () => {
    const out = last4Only('4000056655665556');
    expect(out.replace(/\D/g, '')).toBe('5556');
  });
});

describe('assertNoCardData', () => {
  it('passes what an agent may see: transaction ID, authorization code, last four', () => {
    expect(() => assertNoCardData({ chargeId: 'ch_3Q1', authorizationCode: '123456', last4: '4242', amountMinor: 11988 })).not.toThrow();
    expect(containsCardNumber('•••• 4242')).toBe(false);
  });

  it('names the path of a card number, never the number', () => {
    const leak = { ticket: { messages: [{ body: 'hi' }, { body: 'card 4242 4242 4242 4242' }] } };
    expect(() => assertNoCardData(leak)).toThrow(CardDataError);
    expect(() => assertNoCardData(leak)).toThrow('card data at ticket.messages[1].body');
    try {
      assertNoCardData(leak);
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('4242 4242');
    }
  });

  it('catches a card number stored as a number, and any CVC field', () => {
    expect(() => assertNoCardData({ pan: 4242424242424242 })).toThrow('card data at pan');
    expect(() => assertNoCardData({ card: { cvc: '123' } })).toThrow('card data at card.cvc');
    expect(() => assertNoCardData({ card: { cvc: null } })).not.toThrow();
  });

  it('does not take epoch milliseconds for card numbers', () => {
    // 1795636519997 (2026-11-25T20:15:19.997Z) passes Luhn: a 13-digit time must still be storable.
    expect(() => assertNoCardData({ periodEnd: 1795636519997, at: Date.parse('2026-11-25T20:00:00Z') })).not.toThrow();
  });
});
