/** A VIVtone e-mail ticket for `customerRef` as the CRM specs open it; `extra` overrides or adds fields (plan, channel, receivedAt…). */
export const vivtoneTicket = (customerRef: string, extra: Record<string, unknown> = {}) => ({
  brand: 'vivtone',
  channel: 'email',
  priority: 'S2',
  subject: 'SSO login loops',
  description: 'Since the certificate rotation.',
  customerRef,
  ...extra,
});
