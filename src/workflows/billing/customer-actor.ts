import type { DetailsAction } from '../../domain/ui-details';

/**
 * The last actions as the UI's details list them: the customer acts under their reference (or a
 * `subject:` pseudonym), which the pane never shows; it says "customer".
 */
export function customerAsRole(recent: readonly DetailsAction[], customerRef: string): DetailsAction[] {
  return recent.map((a) => (a.actor === customerRef || a.actor.startsWith('subject:') ? { ...a, actor: 'customer' } : a));
}
