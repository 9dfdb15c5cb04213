import { ROLES, type Role } from '../../persistence/entities/api-key.entity';

/**
 * Who may call what: the one source of truth for every HTTP operation. The guard asks it, the
 * OpenAPI document prints it ("Roles: …" in each operation's description), and
 * test/api/role-table.e2e.spec.ts walks every route × every role against it. No role is implicit:
 * `admin` runs operations (keys, reports, SLA credits, repinning) and reads no legal notices or
 * other personal case data unless a row names it.
 *
 * - a list of roles: a key of one of them;
 * - `public`: no key; a key sent anyway is not looked at;
 * - `public-or-any-key`: no key, or any valid key, whose caller is then identified (partner intake).
 */
export type Access = readonly Role[] | 'public' | 'public-or-any-key';

/** Read case data of their kind; the kinds' owners. */
const TICKET_WORK = ['agent'] as const satisfies readonly Role[];
const INCIDENT_READ = ['sre', 'agent'] as const satisfies readonly Role[];
const SRE = ['sre'] as const satisfies readonly Role[];
const LEGAL = ['legal'] as const satisfies readonly Role[];
const BILLING_CASES = ['agent'] as const satisfies readonly Role[];
const OPERATIONS = ['admin'] as const satisfies readonly Role[];
const PRIVACY_OFFICE = ['admin', 'privacy'] as const satisfies readonly Role[];

export const ROLE_TABLE = {
  // Health, the public status page, and people signing in with the identity provider (the codec's browser session).
  'auth.signIn': 'public',
  'auth.callback': 'public',
  'auth.signOut': 'public',
  'health.live': 'public',
  'health.ready': 'public',
  'status.read': 'public',

  // Tickets: the customer (client key of the ticket's account) and the brand's agents.
  'tickets.open': ['client', 'agent'],
  'tickets.list': TICKET_WORK,
  'tickets.read': ['client', 'agent'],
  'tickets.assign': TICKET_WORK,
  'tickets.reply': ['agent', 'client'],
  'tickets.pending': TICKET_WORK,
  'tickets.priority': TICKET_WORK,
  'tickets.resolve': TICKET_WORK,
  'tickets.reopen': ['agent', 'client'],
  'tickets.close': TICKET_WORK,
  'tickets.csat': ['client'],
  'tickets.rootCause': TICKET_WORK,
  'tickets.repin': OPERATIONS,

  // Incidents: SRE runs them; agents declare, read, note and link customer tickets.
  'alerts.ingest': SRE,
  'incidents.declare': INCIDENT_READ,
  'incidents.list': INCIDENT_READ,
  'incidents.read': INCIDENT_READ,
  'incidents.events': INCIDENT_READ,
  'incidents.notes': INCIDENT_READ,
  'incidents.acknowledge': SRE,
  'incidents.note': INCIDENT_READ,
  'incidents.mitigate': SRE,
  'incidents.resolve': SRE,
  'incidents.priority': SRE,
  'incidents.enterprise': SRE,
  'incidents.linkTicket': INCIDENT_READ,
  'incidents.review': SRE,
  'incidents.close': SRE,
  'oncall.rotations.put': SRE,
  'oncall.rotations.list': SRE,
  'escalationPolicies.put': SRE,
  'escalationPolicies.list': SRE,

  // Takedowns: notices hold the notifier's name and e-mail, so every read and action is legal's.
  'takedowns.file': 'public-or-any-key',
  'takedowns.list': LEGAL,
  'takedowns.read': LEGAL,
  'takedowns.history': LEGAL,
  'takedowns.notes': LEGAL,
  'takedowns.assign': LEGAL,
  'takedowns.requestInformation': LEGAL,
  'takedowns.informationReceived': LEGAL,
  'takedowns.decide': LEGAL,
  'takedowns.apply': LEGAL,
  'takedowns.close': LEGAL,
  'takedowns.counterNotice': LEGAL,
  'takedowns.suitFiled': LEGAL,
  'takedowns.complaint': LEGAL,
  'takedowns.uphold': LEGAL,
  'takedowns.reverse': LEGAL,
  'takedowns.note': LEGAL,
  'takedowns.preservations.record': LEGAL,
  'takedowns.preservations.list': LEGAL,
  'takedowns.preservations.extend': LEGAL,
  'reports.transparency': LEGAL,
  // The legal desk's HTML pages (src/api/desk/): no API key opens them, so to this guard they are
  // public; the desk's own session (legal role only, CSRF on every form) decides who gets in.
  'desk.signInForm': 'public',
  'desk.signIn': 'public',
  'desk.oidcSignIn': 'public',
  'desk.oidcCallback': 'public',
  'desk.signOut': 'public',
  'desk.queue': 'public',
  'desk.case': 'public',
  'desk.act': 'public',
  'desk.transparency': 'public',
  // The published yearly transparency report (seed 000: "public transparency report"): counts only.
  'transparency.public': 'public',

  // Reports: aggregates without personal data; operations read them too.
  'reports.incidents': ['agent', 'sre', 'admin'],
  'reports.sla': ['agent', 'sre', 'admin'],
  'reports.kpis': ['agent', 'sre', 'admin'],
  'reports.retention': OPERATIONS, // counts of what the retention purge deleted
  // Stored cadence reports (issue 19 §2): aggregates as above; generating one now is operations' (it also delivers it).
  'reports.daily': ['agent', 'sre', 'admin'],
  'reports.weekly': ['agent', 'sre', 'admin'],
  'reports.monthly': ['agent', 'sre', 'admin'],
  'reports.quarterly': ['agent', 'sre', 'admin'],
  'reports.generate': ['sre', 'admin'],
  'forecast.staffing': ['agent', 'sre', 'admin'], // staffing forecast: counts and agents, no personal data (as the SLA report)

  // The published SLAs (000: "publish these SLAs internally and to enterprise customers"): every
  // key reads the packs; a client key reads its own account's compliance and credits owed.
  'policies.read': ROLES,
  'accounts.mySla': ['client'],

  // Billing cases (customer payment data): agents; settlement of SLA credits: billing and operations.
  'refunds.open': BILLING_CASES,
  'refunds.read': BILLING_CASES,
  'refunds.events': BILLING_CASES,
  'refunds.confirmIdentity': BILLING_CASES,
  'refunds.retention': BILLING_CASES,
  'disputes.read': BILLING_CASES,
  'disputes.events': BILLING_CASES,
  'disputes.evidence': BILLING_CASES,
  'dunning.read': BILLING_CASES,
  'dunning.confirmIdentity': BILLING_CASES,
  'dunning.cancel': BILLING_CASES,
  'dunning.retentionOffer': BILLING_CASES,
  'billing.webhook': 'public', // signed by the gateway (Stripe-Signature), not keyed
  'crm.webhook': 'public', // signed by the CRM (X-HubSpot-Signature-v3), not keyed
  'slaCredits.list': ['billing', 'admin'],
  'slaCredits.settle': ['billing', 'admin'],

  // The Temporal UI's codec endpoint: the roles that read some case kind's payloads. Which kinds
  // and fields each role may decode is the codec's own per-kind rule (src/api/codec/).
  'codec.decode': ['agent', 'sre', 'legal', 'admin'],
  'codec.encode': ['agent', 'sre', 'legal', 'admin'],

  // Customer accounts, and moving keys and tickets made before accounts existed onto them.
  'accounts.create': OPERATIONS,
  'accounts.backfill': OPERATIONS,
  'accounts.adoptTickets': OPERATIONS,
  'apiKeys.assignAccount': OPERATIONS,

  // The agents who work tickets (issue 14): admins register and suspend them; staff read who is who.
  'agents.create': OPERATIONS,
  'agents.setStatus': OPERATIONS,
  'agents.list': ['agent', 'sre', 'admin', 'trainer'],
  'agents.get': ['agent', 'sre', 'admin', 'trainer'],
  // Onboarding (issue 14 §2): trainers run it; operations leads (admin) start it, assign mentors and
  // decide; reviewers (agents, trainers) score QA blind. The case's own rules say who does what too.
  'onboarding.start': ['trainer', 'admin'],
  'onboarding.read': ['trainer', 'admin', 'agent'],
  'onboarding.session': ['trainer'],
  'onboarding.mentor': ['trainer', 'admin'],
  'onboarding.qaScore': ['trainer', 'agent'],
  'onboarding.evaluateGates': ['trainer', 'admin'],
  'onboarding.decide': ['trainer', 'admin'],

  // One customer view (issue 16 §4): the CRM profile and the customer's cases, each kind only for a
  // role that reads it and within the key's scope (a client key: its account's tickets only).
  'customers.read': ['agent', 'client'],
  'customers.timeline': ['agent', 'client'],

  // The access log and the data-protection office.
  'accessLog.list': OPERATIONS,
  'privacy.export': PRIVACY_OFFICE,
  'privacy.erase': PRIVACY_OFFICE,
} as const satisfies Record<string, Access>;

export type OperationId = keyof typeof ROLE_TABLE;

export function isOperationId(value: string): value is OperationId {
  return Object.hasOwn(ROLE_TABLE, value);
}

export function accessFor(operation: OperationId): Access {
  return ROLE_TABLE[operation];
}

/** The roles whose keys may call the operation (every role for public-or-any-key; none for public). */
export function rolesFor(operation: OperationId): readonly Role[] {
  const access = accessFor(operation);
  if (access === 'public') return [];
  if (access === 'public-or-any-key') return ROLES;
  return access;
}

export function mayCall(role: Role, operation: OperationId): boolean {
  return rolesFor(operation).includes(role);
}

/** How the operation's access reads in the API documentation. */
export function describeAccess(operation: OperationId): string {
  const access = accessFor(operation);
  if (access === 'public') return 'Roles: none (public, no key)';
  if (access === 'public-or-any-key') return 'Roles: none (public); a caller sending a key of any role is identified';
  return `Roles: ${[...access].sort().join(', ')}`;
}
