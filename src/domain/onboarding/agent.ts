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
  /** The modules the agent was certified for by an onboarding case; null: certified by hand (all). */
  competencies?: string[] | null;
}

/** Why an assignment is refused, in the API's words (409), or null when it may go ahead. */
export type AssignmentRefusal = { slug: 'agent-other-brand' | 'agent-suspended' | 'agent-needs-mentor' | 'agent-not-certified-for-category' | 'mentor-not-certified'; detail: string };

/** The competencies of `needs` the agent was not certified for (none when certified by hand). */
export const missingCompetencies = (a: Pick<RegisteredAgent, 'competencies'>, needs: readonly string[]): string[] =>
  a.competencies ? needs.filter((n) => !a.competencies!.includes(n)) : [];

export const worksAlone = (a: Pick<RegisteredAgent, 'status'>): boolean => a.status === 'certified';

/**
 * May `assignee` take a ticket of `brand` whose category needs the competencies `needs` (the
 * pack's onboarding.categories)? A certified agent of the brand with those competencies may; one
 * still in onboarding or mentored, or certified without one of them, only with a mentor named,
 * who must be a certified agent of the brand who has them; a suspended agent gets nothing new.
 * An assignee the registry does not know is not judged here (deployments that register no agents
 * keep assigning by name).
 */
export function assignmentRefusal(brand: string, assignee: RegisteredAgent, mentor: RegisteredAgent | null, mentorId: string | null, needs: readonly string[] = []): AssignmentRefusal | null {
  if (assignee.brand !== brand) return { slug: 'agent-other-brand', detail: `agent ${assignee.id} works for ${assignee.brand}, not ${brand}` };
  if (assignee.status === 'suspended') return { slug: 'agent-suspended', detail: `agent ${assignee.id} is suspended: no new tickets until restored` };
  const missing = missingCompetencies(assignee, needs);
  if (worksAlone(assignee) && missing.length === 0) return null;
  if (mentorId === null) {
    if (worksAlone(assignee)) return { slug: 'agent-not-certified-for-category', detail: `agent ${assignee.id} is not certified for ${missing.join(', ')}: name a mentor who is` };
    return { slug: 'agent-needs-mentor', detail: `agent ${assignee.id} is ${assignee.status}, not certified: name a mentor (a certified ${brand} agent)` };
  }
  if (mentor === null || mentor.brand !== brand || !worksAlone(mentor) || missingCompetencies(mentor, needs).length > 0) {
    return { slug: 'mentor-not-certified', detail: `mentor ${mentorId} is not a certified ${brand} agent${needs.length ? ` with ${needs.join(', ')}` : ''}` };
  }
  return null;
}
