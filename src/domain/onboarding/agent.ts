/**
 * Who may work tickets alone (issue 14 §1 and §4). Pure: the API's assignment check and the
 * onboarding workflow's transitions share these rules.
 */
export const AGENT_TIERS = ['L1', 'L2', 'L3', 'CS'] as const;
export type AgentTier = (typeof AGENT_TIERS)[number];

export const AGENT_STATUSES = ['onboarding', 'mentored', 'certified', 'suspended'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export interface RegisteredAgent {
  id: string;
  brand: string;
  status: AgentStatus;
}

/** Why an assignment is refused, in the API's words (409), or null when it may go ahead. */
export type AssignmentRefusal = { slug: 'agent-other-brand' | 'agent-suspended' | 'agent-needs-mentor' | 'mentor-not-certified'; detail: string };

export const worksAlone = (a: Pick<RegisteredAgent, 'status'>): boolean => a.status === 'certified';

/**
 * May `assignee` take a ticket of `brand`? A certified agent of the brand may; one still in
 * onboarding or mentored only with a mentor named, who must be a certified agent of the brand;
 * a suspended agent gets nothing new. An assignee the registry does not know is not judged here
 * (deployments that register no agents keep assigning by name).
 */
export function assignmentRefusal(brand: string, assignee: RegisteredAgent, mentor: RegisteredAgent | null, mentorId: string | null): AssignmentRefusal | null {
  if (assignee.brand !== brand) return { slug: 'agent-other-brand', detail: `agent ${assignee.id} works for ${assignee.brand}, not ${brand}` };
  if (assignee.status === 'suspended') return { slug: 'agent-suspended', detail: `agent ${assignee.id} is suspended: no new tickets until restored` };
  if (worksAlone(assignee)) return null;
  if (mentorId === null) return { slug: 'agent-needs-mentor', detail: `agent ${assignee.id} is ${assignee.status}, not certified: name a mentor (a certified ${brand} agent)` };
  if (mentor === null || mentor.brand !== brand || !worksAlone(mentor)) {
    return { slug: 'mentor-not-certified', detail: `mentor ${mentorId} is not a certified ${brand} agent` };
  }
  return null;
}
