/**
 * The one refusal every case kind's rules raise: an action the case's state does not allow now.
 * Each kind words its own message (the API shows it), but workflows map this one type to one
 * failure (src/workflows/common/refusals.ts), so a new case kind adds no refusal plumbing.
 */
export class CaseTransitionError extends Error {
  constructor(
    /** The case's state (status) when the action was refused. */
    readonly state: string,
    readonly action: string,
    message: string,
    /** Why, beyond the state, when the rules say (a window closed, a role that may not act). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'CaseTransitionError';
  }
}
