import { escalationPolicySchema, escalationSteps, onCallAt, Rotation, rotationSchema, shiftAt, stepAt } from '../../../src/domain/incident/escalation';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('escalationSteps', () => {
  const policy = {
    levels: [
      { targets: ['rotation:sre-primary'], ackTimeoutMs: 15 * MIN },
      { targets: ['rotation:sre-secondary', 'user:lead'], ackTimeoutMs: 10 * MIN },
      { targets: ['user:head-of-ops'], ackTimeoutMs: 5 * MIN },
    ],
    loops: 2,
  };

  it('flattens levels across loops with cumulative offsets', () => {
    expect(escalationSteps(policy)).toEqual([
      { step: 0, level: 0, loop: 0, targets: ['rotation:sre-primary'], pageAtOffsetMs: 0, dueOffsetMs: 15 * MIN },
      { step: 1, level: 1, loop: 0, targets: ['rotation:sre-secondary', 'user:lead'], pageAtOffsetMs: 15 * MIN, dueOffsetMs: 25 * MIN },
      { step: 2, level: 2, loop: 0, targets: ['user:head-of-ops'], pageAtOffsetMs: 25 * MIN, dueOffsetMs: 30 * MIN },
      { step: 3, level: 0, loop: 1, targets: ['rotation:sre-primary'], pageAtOffsetMs: 30 * MIN, dueOffsetMs: 45 * MIN },
      { step: 4, level: 1, loop: 1, targets: ['rotation:sre-secondary', 'user:lead'], pageAtOffsetMs: 45 * MIN, dueOffsetMs: 55 * MIN },
      { step: 5, level: 2, loop: 1, targets: ['user:head-of-ops'], pageAtOffsetMs: 55 * MIN, dueOffsetMs: 60 * MIN },
    ]);
  });

  it('one loop is one pass; the steps do not share target arrays with the policy', () => {
    const steps = escalationSteps({ ...policy, loops: 1 });
    expect(steps.map((s) => s.step)).toEqual([0, 1, 2]);
    steps[0].targets.push('mutated');
    expect(policy.levels[0].targets).toEqual(['rotation:sre-primary']);
  });

  it('finds the step in force at an elapsed time, boundaries included', () => {
    const steps = escalationSteps(policy);
    expect(stepAt(steps, 0)?.step).toBe(0);
    expect(stepAt(steps, 15 * MIN - 1)?.step).toBe(0);
    expect(stepAt(steps, 15 * MIN)?.step).toBe(1);
    expect(stepAt(steps, 59 * MIN)?.step).toBe(5);
    expect(stepAt(steps, 60 * MIN)).toBeNull();
  });
});

describe('onCallAt', () => {
  const START = Date.UTC(2025, 0, 6, 9, 0, 0);
  const rotation: Rotation = { participants: ['ana', 'bo', 'cy'], startsAt: START, shiftMs: 12 * HOUR };

  it('hands over exactly at shift boundaries and wraps around', () => {
    expect(onCallAt(rotation, START)).toBe('ana');
    expect(onCallAt(rotation, START + 12 * HOUR - 1)).toBe('ana');
    expect(onCallAt(rotation, START + 12 * HOUR)).toBe('bo');
    expect(onCallAt(rotation, START + 24 * HOUR)).toBe('cy');
    expect(onCallAt(rotation, START + 36 * HOUR)).toBe('ana');
    expect(onCallAt(rotation, START + 365 * 24 * HOUR + 5)).toBe(['ana', 'bo', 'cy'][(365 * 2) % 3]);
  });

  it('has nobody before the rotation begins', () => {
    expect(onCallAt(rotation, START - 1)).toBeNull();
  });

  it('gives the shift bounds for hand-over reminders', () => {
    expect(shiftAt(rotation, START + 13 * HOUR)).toEqual({ participant: 'bo', startsAt: START + 12 * HOUR, endsAt: START + 24 * HOUR });
  });
});

describe('API schemas', () => {
  const issuePaths = (result: { success: boolean; error?: { issues: { path: (string | number)[] }[] } }) => result.error?.issues.map((i) => i.path.join('.'));

  it('accepts a policy and defaults loops to one pass', () => {
    expect(escalationPolicySchema.parse({ levels: [{ targets: ['user:ana'], ackTimeoutMs: 15 * MIN }] })).toEqual({ levels: [{ targets: ['user:ana'], ackTimeoutMs: 15 * MIN }], loops: 1 });
  });

  it.each([
    [{ levels: [] }, 'levels'],
    [{ levels: [{ targets: [], ackTimeoutMs: 15 * MIN }] }, 'levels.0.targets'],
    [{ levels: [{ targets: ['a'], ackTimeoutMs: 15 * MIN }, { targets: ['b', 'c', 'b'], ackTimeoutMs: 15 * MIN }] }, 'levels.1.targets.2'],
    [{ levels: [{ targets: ['a'], ackTimeoutMs: 1_000 }] }, 'levels.0.ackTimeoutMs'],
    [{ levels: [{ targets: ['a'], ackTimeoutMs: 15 * MIN }], loops: 0 }, 'loops'],
    [{ levels: [{ targets: ['a'], ackTimeoutMs: 15 * MIN, extra: 1 }] }, 'levels.0'],
  ])('rejects a bad policy at the field (%#)', (input, path) => {
    const parsed = escalationPolicySchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(issuePaths(parsed)).toEqual([path]);
  });

  it.each([
    [{ participants: [], startsAt: 0, shiftMs: 12 * HOUR }, 'participants'],
    [{ participants: ['ana', 'ana'], startsAt: 0, shiftMs: 12 * HOUR }, 'participants.1'],
    [{ participants: ['ana'], startsAt: -5, shiftMs: 12 * HOUR }, 'startsAt'],
    [{ participants: ['ana'], startsAt: 0, shiftMs: 0 }, 'shiftMs'],
    [{ participants: ['ana'], startsAt: 0 }, 'shiftMs'],
  ])('rejects a bad rotation at the field (%#)', (input, path) => {
    const parsed = rotationSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(issuePaths(parsed)).toEqual([path]);
  });
});
