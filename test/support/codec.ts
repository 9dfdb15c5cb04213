import type { Client } from '@temporalio/client';

/** A payload as the remote codec protocol carries it (proto3 JSON: bytes as base64). */
export interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

const b64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('base64');

/**
 * Every encrypted payload in a workflow's history, as the Temporal UI would send them to the codec
 * endpoint: workflow input, activity inputs and results, update arguments, summaries, markers.
 */
export async function encryptedPayloadsOf(temporal: Client, workflowId: string): Promise<JsonPayload[]> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  const found: JsonPayload[] = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (node instanceof Uint8Array) return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    const metadata = record.metadata as Record<string, Uint8Array> | undefined;
    if (metadata && typeof metadata === 'object' && record.data instanceof Uint8Array) {
      if (Buffer.from(metadata.encoding ?? []).toString() === 'binary/encrypted') {
        found.push({ metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, b64(v)])), data: b64(record.data) });
      }
      return;
    }
    Object.values(record).forEach(walk);
  };
  walk(history.events);
  return found;
}

/** A decoded payload's JSON value (undefined for a payload still sealed or not JSON). */
export function jsonOf(p: JsonPayload): unknown {
  if (Buffer.from(p.metadata.encoding ?? '', 'base64').toString() !== 'json/plain') return undefined;
  return JSON.parse(Buffer.from(p.data, 'base64').toString('utf8'));
}

export function metadataOf(p: JsonPayload, key: string): string | undefined {
  return p.metadata[key] === undefined ? undefined : Buffer.from(p.metadata[key], 'base64').toString('utf8');
}

/** A plaintext JSON payload, tagged as a workflow's payload converter tags what a workflow writes. */
export function jsonPayload(value: unknown, tags: Record<string, string> = {}): JsonPayload {
  const metadata: Record<string, string> = { encoding: b64(Buffer.from('json/plain')) };
  for (const [k, v] of Object.entries(tags)) metadata[k] = b64(Buffer.from(v));
  return { metadata, data: b64(Buffer.from(JSON.stringify(value))) };
}
