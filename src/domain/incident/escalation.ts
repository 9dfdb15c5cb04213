import { z } from 'zod';

/**
 * Who gets paged, in what order, and who is on call when. Pure: the incident workflow walks the
 * steps with timers, so all times are offsets or are passed in.
 */

export interface EscalationLevel {
  /** Page targets: people or rotations, e.g. "user:ana", "rotation:sre-primary". */
  targets: string[];
  /** How long this level has to acknowledge before the next level is paged. */
  ackTimeoutMs: number;
}

export interface EscalationPolicy {
  levels: EscalationLevel[];
  /** Passes through all levels: 1 = once through, 3 = the whole ladder three times. */
  loops: number;
}

export interface EscalationStep {
  /** 0-based position in the flat list; also the page's dedup step (pageDedupKey). */
  step: number;
  level: number;
  loop: number;
  targets: string[];
  /** When to page, counted from the incident's trigger. */
  pageAtOffsetMs: number;
  /** When the ack is due, counted from the trigger; past it, the next step is paged. */
  dueOffsetMs: number;
}

/** Every page the policy can send, in order, with cumulative offsets. */
export function escalationSteps(policy: EscalationPolicy): EscalationStep[] {
  const steps: EscalationStep[] = [];
  let offset = 0;
  for (let loop = 0; loop < policy.loops; loop++) {
    for (const [level, { targets, ackTimeoutMs }] of policy.levels.entries()) {
      steps.push({ step: steps.length, level, loop, targets: [...targets], pageAtOffsetMs: offset, dueOffsetMs: offset + ackTimeoutMs });
      offset += ackTimeoutMs;
    }
  }
  return steps;
}

/** The step that should have been paged last at `elapsedMs` after the trigger; null once exhausted. */
export function stepAt(steps: readonly EscalationStep[], elapsedMs: number): EscalationStep | null {
  return steps.find((s) => elapsedMs >= s.pageAtOffsetMs && elapsedMs < s.dueOffsetMs) ?? null;
}

export interface Rotation {
  /** In hand-over order; the first takes the first shift. */
  participants: string[];
  /** Epoch ms when the first shift begins. */
  startsAt: number;
  shiftMs: number;
}

export interface Shift {
  participant: string;
  startsAt: number;
  endsAt: number;
}

/** The shift covering `at`, or null before the rotation begins. Shifts are [startsAt, endsAt). */
export function shiftAt(rotation: Rotation, at: number): Shift | null {
  if (at < rotation.startsAt || rotation.participants.length === 0) return null;
  const n = Math.floor((at - rotation.startsAt) / rotation.shiftMs);
  const startsAt = rotation.startsAt + n * rotation.shiftMs;
  return { participant: rotation.participants[n % rotation.participants.length], startsAt, endsAt: startsAt + rotation.shiftMs };
}

export function onCallAt(rotation: Rotation, at: number): string | null {
  return shiftAt(rotation, at)?.participant ?? null;
}

// ── As they arrive over the API ────────────────────────────────────────────────────────────────

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Non-empty, no repeats; a repeat is reported at its own index. */
const distinctNames = (what: string) =>
  z
    .array(z.string().trim().min(1))
    .min(1, `at least one ${what}`)
    .superRefine((names, ctx) => {
      names.forEach((name, i) => {
        if (names.indexOf(name) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `"${name}" is listed twice` });
      });
    });

export const escalationPolicySchema = z
  .object({
    levels: z
      .array(
        z
          .object({
            targets: distinctNames('target'),
            // A minute at least: shorter, and the next level is paged before anyone can read the first.
            ackTimeoutMs: z.number().int().min(MINUTE, 'at least 60000 (one minute)').max(DAY, 'at most one day'),
          })
          .strict(),
      )
      .min(1, 'at least one level')
      .max(20),
    loops: z.number().int().min(1).max(10).default(1),
  })
  .strict();

export const rotationSchema = z
  .object({
    participants: distinctNames('participant'),
    startsAt: z.number().int().nonnegative(),
    shiftMs: z.number().int().min(MINUTE, 'at least 60000 (one minute)').max(30 * DAY, 'at most 30 days'),
  })
  .strict();

export type EscalationPolicyInput = z.input<typeof escalationPolicySchema>;
export type RotationInput = z.input<typeof rotationSchema>;
