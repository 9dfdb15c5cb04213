import { ApplicationFailure } from '@temporalio/common';
import type { PolicyRegistry } from '../config/policy-registry';
import { entitlementLater, planCatalogue, TicketEntitlement } from '../domain/customer/entitlement';
import type { Channel } from '../domain/policy/policy.schema';
import { pinTicketPolicy, PolicyFieldError, TicketPolicy } from '../domain/policy/ticket-policy';
import type { CustomerLookup } from '../integrations/crm/crm-port';

export interface CustomerDeps {
  /** The CRM entitlements come from (CRM_PROVIDER); absent (a worker built without one): the ticket stays unverified and says why. */
  crm?: CustomerLookup;
  policyPacks?: () => PolicyRegistry;
}

export interface EntitlementQuestion {
  ticketId: string;
  brand: string;
  channel: Channel;
  priority: string;
  customerRef: string;
  claimedPlan: string | null;
  currentPlan: string | null;
}

/** The CRM's answer for an unverified ticket; `policy` only when the plan changes and the brand's pack covers it. */
export interface EntitlementSettled {
  plan: string | null;
  entitlement: TicketEntitlement;
  policy: TicketPolicy | null;
}

export function createCustomerActivities({ crm, policyPacks }: CustomerDeps) {
  return {
    /**
     * Asks the CRM again for an unverified ticket's plan. A CRM that is down throws (retried by
     * the workflow's policy, for a day); an answer is settled with the intake's rule, and a new
     * plan is pinned from the brand's current pack.
     */
    async resolveTicketEntitlement(q: EntitlementQuestion): Promise<EntitlementSettled> {
      const pack = policyPacks?.().find(q.brand);
      if (!crm || !pack) throw ApplicationFailure.nonRetryable(`no CRM or no policy pack for ${q.brand} in this worker`, 'CrmNotConfigured');
      // Any error is worth another try: a CRM down, slow or refusing a token an operator is fixing.
      const profile = await crm.lookupCustomer(q.customerRef);
      const settled = entitlementLater(planCatalogue(pack), q.channel, q.claimedPlan, q.currentPlan, profile ? { outcome: 'found', profile } : { outcome: 'unknown' });
      if (settled.plan === q.currentPlan) return { ...settled, policy: null };
      try {
        const policy = pinTicketPolicy(pack, q.channel, settled.plan);
        if (!Object.hasOwn(policy.priorities, q.priority)) throw new PolicyFieldError('priority', `${q.brand}'s current pack has no priority ${q.priority}`);
        return { ...settled, policy };
      } catch (err) {
        if (!(err instanceof PolicyFieldError)) throw err;
        // The CRM's plan does not cover how the customer wrote (a Basic customer on the phone): the ticket keeps its plan, and says why.
        return { plan: q.currentPlan, entitlement: { ...settled.entitlement, status: 'unconfirmed', reason: `the CRM's plan ${settled.plan}: ${err.message}` }, policy: null };
      }
    },
  };
}
