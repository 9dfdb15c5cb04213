import { z } from 'zod';
import type { PlaybackCheck, PlaybackEvidence } from '../../domain/playback/checklist';

/**
 * What the diagnostics source must answer per check. Validated at the boundary: a malformed
 * answer is the source's bug and must not reach the rules as a false "pass".
 */
const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO-8601 date');
const timedCode = z.object({ code: z.string().min(1), at: isoDate });

export const evidenceSchemas = {
  entitlement: z.object({
    region: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2'),
    licensedRegions: z.array(z.string().regex(/^[A-Z]{2}$/)),
    subscriptionActive: z.boolean(),
    activeDevices: z.number().int().nonnegative(),
    deviceLimit: z.number().int().positive(),
  }),
  client: z.object({
    appVersion: z.string().min(1),
    latestAppVersion: z.string().min(1),
    os: z.string().min(1),
    osVersion: z.string(),
    model: z.string(),
  }),
  network: z.object({
    measuredMbps: z.number().nonnegative(),
    requestedQuality: z.enum(['SD', 'HD', '4K']),
    cdnEdge: z.string().min(1),
    http4xx: z.number().int().nonnegative(),
    http5xx: z.number().int().nonnegative(),
  }),
  drm: z.object({
    licenseErrors: z.array(timedCode),
    deviceClockSkewSeconds: z.number(),
    certificateExpiresAt: isoDate,
  }),
  diagnostics: z.object({
    playerLogUrl: z.string().url().nullable(),
    errorCodes: z.array(timedCode),
    screenRecordingUrl: z.string().url().nullable(),
  }),
} satisfies { [C in PlaybackCheck]: z.ZodType<PlaybackEvidence[C]> };
