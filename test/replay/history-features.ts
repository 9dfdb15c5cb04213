import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.History;

/** The SDK's marker for patched()/deprecatePatch() (sdk-core), and where it keeps the patch ID. */
const PATCH_MARKER = 'core_patch';
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/**
 * What a history exercises, for choosing fixtures and for the replay spec's coverage checks:
 * `patch:<id>` per patch marker, and the paths that produce distinct commands (continue-as-new in
 * and out, timers, updates, signals, children, local activities, completion).
 */
export function historyFeatures(history: History): string[] {
  const features = new Set<string>();
  for (const event of history.events) {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName === PATCH_MARKER) features.add(`patch:${patchId(marker)}`);
    if (marker?.markerName === LOCAL_ACTIVITY_MARKER) features.add('local-activity');
    if (event.workflowExecutionStartedEventAttributes?.continuedExecutionRunId) features.add('continued-from');
    if (event.workflowExecutionContinuedAsNewEventAttributes) features.add('continued-as-new');
    if (event.workflowExecutionCompletedEventAttributes) features.add('completed');
    if (event.timerFiredEventAttributes) features.add('timer-fired');
    if (event.workflowExecutionUpdateAcceptedEventAttributes) features.add('update');
    if (event.workflowExecutionSignaledEventAttributes) features.add('signal');
    if (event.startChildWorkflowExecutionInitiatedEventAttributes) features.add('child-workflow');
    if (event.activityTaskFailedEventAttributes) features.add('activity-failed');
  }
  return [...features].sort();
}

export function patchIds(history: History): string[] {
  return historyFeatures(history).flatMap((f) => (f.startsWith('patch:') ? [f.slice('patch:'.length)] : []));
}

function patchId(marker: temporal.api.history.v1.IMarkerRecordedEventAttributes): string {
  // sdk-core keeps it under 'patch-data' (JSON {"id", "deprecated"}); any key is read, in case that changes.
  const data = Object.values(marker.details ?? {})[0]?.payloads?.[0]?.data;
  if (!data) return 'unknown';
  const text = Buffer.from(data).toString();
  try {
    const parsed = JSON.parse(text) as { id?: string; patch_id?: string };
    return parsed.id ?? parsed.patch_id ?? text;
  } catch {
    return text;
  }
}

/** What sdk-core records of a local activity in its marker: its type, and when it ended (epoch ms). */
export interface LocalActivityMarkerData {
  activityType: string;
  completedAt: number | null;
}

/**
 * A local-activity marker's description (JSON with `activity_type` and `complete_time`, under the
 * marker's 'data' key), or undefined for any other event. Any key is read, in case sdk-core moves
 * it; the result's payload is the codec's (encrypted) and is skipped.
 */
export function localActivityMarker(marker: temporal.api.history.v1.IMarkerRecordedEventAttributes | null | undefined): LocalActivityMarkerData | undefined {
  if (marker?.markerName !== LOCAL_ACTIVITY_MARKER) return undefined;
  for (const payloads of Object.values(marker.details ?? {})) {
    const data = payloads?.payloads?.[0]?.data;
    if (!data) continue;
    try {
      const parsed = JSON.parse(Buffer.from(data).toString()) as { activity_type?: unknown; complete_time?: { seconds?: number; nanos?: number } | null };
      if (typeof parsed.activity_type !== 'string') continue;
      const done = parsed.complete_time;
      return { activityType: parsed.activity_type, completedAt: done ? (done.seconds ?? 0) * 1000 + Math.floor((done.nanos ?? 0) / 1e6) : null };
    } catch {
      // Not this key's payload: try the next.
    }
  }
  return undefined;
}

/** The activity a local-activity marker records. */
export function localActivityType(marker: temporal.api.history.v1.IMarkerRecordedEventAttributes | null | undefined): string | undefined {
  return localActivityMarker(marker)?.activityType;
}
