import type { Payload } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import { mayReadWorkflowPayload, redactForRole } from '../../domain/redaction-by-role';
import { metadataText, samePayload } from './codec-payloads';
import { ACTOR_BINDING_METADATA, CASE_ID_METADATA, CASE_KIND_METADATA } from '../../temporal/payload-metadata';

/** The case a group of decoded payloads belongs to; null/null for untagged payloads. */
export interface DecodedGroup {
  caseId: string | null;
  workflowType: string | null;
  /** Dotted paths of the fields redacted in the group's payloads. */
  hidden: string[];
}

export interface ReaderView {
  payloads: Payload[];
  /** What was decoded for the reader, one entry per case (for the access log). */
  groups: DecodedGroup[];
  /** Payloads left sealed: their workflow's kind is not the reader's to read. */
  withheld: number;
}

/**
 * What a reader in `role` gets back for each payload, given what the codec chain decoded:
 * - a payload the chain did not change (never encrypted) goes back as sent: nothing to hide;
 * - a payload a workflow of a kind the role may not read stays sealed (the original ciphertext):
 *   the Temporal UI then shows it encoded, and decodes the rest of the page;
 * - any other payload is decoded, with the fields the role may not see redacted.
 */
export function viewForReader(role: string, sealed: Payload[], opened: Payload[]): ReaderView {
  const groups = new Map<string, DecodedGroup>();
  let withheld = 0;
  const payloads = opened.map((payload, i) => {
    if (samePayload(payload, sealed[i])) return sealed[i];
    const workflowType = metadataText(payload, CASE_KIND_METADATA);
    const caseId = metadataText(payload, CASE_ID_METADATA);
    if (workflowType !== null && !mayReadWorkflowPayload(role, workflowType)) {
      withheld += 1;
      return sealed[i];
    }
    const { payload: shown, hidden } = redactPayload(withoutBinding(payload), role, workflowType !== null);
    const groupKey = `${caseId ?? ''}\u0000${workflowType ?? ''}`;
    const group = groups.get(groupKey) ?? { caseId, workflowType, hidden: [] };
    group.hidden.push(...hidden.filter((h) => !group.hidden.includes(h)));
    groups.set(groupKey, group);
    return shown;
  });
  return { payloads, groups: [...groups.values()], withheld };
}

function withoutBinding(p: Payload): Payload {
  const metadata = Object.fromEntries(Object.entries(p.metadata ?? {}).filter(([k]) => !k.startsWith(ACTOR_BINDING_METADATA)));
  return { ...p, metadata };
}

/** JSON payloads are redacted by field; other encodings (binary/null, raw bytes) carry no fields to hide. */
function redactPayload(p: Payload, role: string, caseReadable: boolean): { payload: Payload; hidden: string[] } {
  if (metadataText(p, METADATA_ENCODING_KEY) !== 'json/plain') return { payload: p, hidden: [] };
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(p.data ?? []).toString('utf8'));
  } catch {
    return { payload: p, hidden: [] };
  }
  const redacted = redactForRole(value, { role, caseReadable });
  if (redacted.hidden.length === 0) return { payload: p, hidden: [] };
  return { payload: { ...p, data: Buffer.from(JSON.stringify(redacted.value), 'utf8') }, hidden: redacted.hidden };
}
