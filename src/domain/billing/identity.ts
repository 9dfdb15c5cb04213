import { agentNote } from './agent-note';

/**
 * "Agents must confirm identity before changing anything on the account": the one rule every
 * billing case (refund, dunning) applies before an agent may act on a customer's account. Pure.
 */
export interface IdentityConfirmation {
  confirmedBy: string;
  /** How the agent confirmed it ("one-time code", "last invoice amount"), never the secret itself. */
  method: string;
  at: string;
}

/** The name clients see in a 409 for the confirmation that is missing. */
export const IDENTITY_CONFIRMATION = 'identityConfirmation';

export class IdentityNotConfirmedError extends Error {
  readonly missing = IDENTITY_CONFIRMATION;
  constructor(readonly action: string) {
    super(`confirm the customer's identity (confirm-identity) before you ${action.replace(/_/g, ' ')}`);
    this.name = 'IdentityNotConfirmedError';
  }
}

/** Throws IdentityNotConfirmedError naming the action unless identity is on the record. */
export function requireConfirmedIdentity(identity: IdentityConfirmation | null, action: string): IdentityConfirmation {
  if (identity === null) throw new IdentityNotConfirmedError(action);
  return identity;
}

/** The record of a confirmation; the method is described, and a card number in it is refused (it would enter history). */
export function identityConfirmation(actor: string, method: string, at: number): IdentityConfirmation {
  return { confirmedBy: actor, method: agentNote('method', method), at: new Date(at).toISOString() };
}
