import { policyPackSchema } from '../../src/domain/policy/policy.schema';
import { resolveTargetMs, UnknownPriorityError } from '../../src/domain/policy/resolve-targets';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A pack shaped so that each branch of the combining rule has its own, distinguishable answer. */
const pack = policyPackSchema.parse({
  brand: 'acme',
  version: '1',
  displayName: 'Acme',
  source: 'unit test',
  priorities: {
    P1: { label: 'urgent', firstResponse: '15m', mitigation: '2h' },
    P2: { label: 'high', firstResponse: '1h', resolution: '8h' },
    P4: { label: 'low', firstResponse: '72h' },
    P9: { label: 'no targets at all' },
  },
  channels: {
    email: { firstResponse: '4h', resolution: '72h' },
    chat: { firstResponse: '2m', resolution: '30m' },
    phone: { firstResponse: '60s' },
  },
});

describe('resolveTargetMs — the combining rule', () => {
  it('takes the priority target when it is stricter than the channel target (P1 by email)', () => {
    expect(resolveTargetMs(pack, 'P1', 'email', 'firstResponse')).toBe(15 * MINUTE);
  });

  it('takes the channel target when it is stricter than the priority target (P4 by chat)', () => {
    expect(resolveTargetMs(pack, 'P4', 'chat', 'firstResponse')).toBe(2 * MINUTE);
  });

  it('applies the rule per metric (P2 by chat: chat resolution 30m beats P2 resolution 8h)', () => {
    expect(resolveTargetMs(pack, 'P2', 'chat', 'resolution')).toBe(30 * MINUTE);
    expect(resolveTargetMs(pack, 'P2', 'email', 'resolution')).toBe(8 * HOUR);
  });

  it('uses the priority target alone when the channel has none for that metric', () => {
    // phone sets no resolution; P2 does.
    expect(resolveTargetMs(pack, 'P2', 'phone', 'resolution')).toBe(8 * HOUR);
    // no channel entry at all for social.
    expect(resolveTargetMs(pack, 'P2', 'social', 'firstResponse')).toBe(HOUR);
    expect(resolveTargetMs(pack, 'P1', 'email', 'mitigation')).toBe(2 * HOUR);
  });

  it('uses the channel target alone when the priority has none for that metric', () => {
    expect(resolveTargetMs(pack, 'P1', 'email', 'resolution')).toBe(72 * HOUR);
    expect(resolveTargetMs(pack, 'P9', 'phone', 'firstResponse')).toBe(60_000);
  });

  it('is undefined when neither the priority nor the channel sets the metric', () => {
    expect(resolveTargetMs(pack, 'P4', 'phone', 'resolution')).toBeUndefined();
    expect(resolveTargetMs(pack, 'P9', 'portal', 'firstResponse')).toBeUndefined();
    expect(resolveTargetMs(pack, 'P2', 'email', 'mitigation')).toBeUndefined();
  });

  it('works with a pack that has no channels section (defaults to none)', () => {
    const bare = policyPackSchema.parse({
      brand: 'bare',
      version: '1',
      displayName: 'Bare',
      source: 'unit test',
      priorities: { S1: { label: 'sev 1', firstResponse: '30m' } },
    });
    expect(resolveTargetMs(bare, 'S1', 'chat', 'firstResponse')).toBe(30 * MINUTE);
    expect(resolveTargetMs(bare, 'S1', 'chat', 'resolution')).toBeUndefined();
  });

  it('refuses an unknown priority with UnknownPriorityError listing the allowed ones', () => {
    let caught: unknown;
    try {
      resolveTargetMs(pack, 'P3', 'email', 'firstResponse');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UnknownPriorityError);
    const err = caught as UnknownPriorityError;
    expect(err.brand).toBe('acme');
    expect(err.priority).toBe('P3');
    expect(err.allowed).toEqual(['P1', 'P2', 'P4', 'P9']);
    expect(err.message).toContain('"P3"');
    expect(err.message).toContain('"acme"');
    expect(err.message).toContain('P1, P2, P4, P9');
  });

  it('treats priorities as case-sensitive ("p1" is unknown)', () => {
    expect(() => resolveTargetMs(pack, 'p1', 'chat', 'firstResponse')).toThrow(UnknownPriorityError);
  });
});

describe('resolveTargetMs — names that are not priorities', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])('refuses %s (an Object.prototype name)', (name) => {
    expect(() => resolveTargetMs(pack, name, 'email', 'firstResponse')).toThrow(UnknownPriorityError);
  });
});
