import type { AccessVia } from '../../persistence/entities/access-log.entity';

/**
 * One access to case data, as callers describe it. Names and field names only: never a value
 * from the case (no customer text, references, e-mail addresses).
 */
export interface AccessEntry {
  /** The principal's name (API key name, OIDC name or subject); `system` for jobs. */
  actor: string;
  role: string;
  /** The case touched; null for lists, reports and exports spanning cases. */
  caseId: string | null;
  /** ticket, incident, refund, dispute, dunning, takedown, … */
  caseKind: string | null;
  /** `<area>.<action>`: `tickets.read`, `tickets.reply`, `codec.decode`, `privacy.export`. */
  operation: string;
  /** Field names a write carried (or an export covered); never their values. */
  fields?: string[];
  /** The client address (req.ip); null for the system. */
  address: string | null;
  /** The principal's stable id (API key id, OIDC subject). */
  actorId?: string | null;
  /** How the caller authenticated. Default: `system` for role `system`, else `api-key`. */
  via?: AccessVia;
  /** The request's X-Request-Id, to join with the HTTP log. */
  requestId?: string | null;
  /** The HTTP status answered, for API calls. */
  status?: number | null;
}
