import { classroomComplete, modulesBehind, OnboardingCase, OnboardingPolicy, registryStatus } from '../../domain/onboarding/case';
import { plannedClassroomHours, weekLength } from '../../domain/onboarding/curriculum';
import { gatesNotPassed, GateValues } from '../../domain/onboarding/gates';
import { revealedReview } from '../../domain/onboarding/qa';
import { nextOnboardingDeadline, nextOnboardingDue, overdueItems } from '../../domain/onboarding/schedule';
import { caseDetailsMarkdown, cell, DetailsAction, DetailsClock } from '../../domain/ui-details';
import type { NeedsAttentionView } from '../common/needs-attention';
import type { OnboardingInput, OnboardingView } from './messages';

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const isoOf = (ms: number): string => new Date(ms).toISOString();

function gatesView(g: GateValues | null): OnboardingView['gates'] {
  return g === null ? null : { ...g, at: isoOf(g.at), since: isoOf(g.since) };
}

/** The case as the API and the status query show it, computed for `now` (overdue, the next moment). QA scores stay blind until revealed. */
export function onboardingView(input: OnboardingInput, c: OnboardingCase, attention: { needsAttention?: NeedsAttentionView }, now: number): OnboardingView {
  const { policy } = input;
  const cur = policy.curriculum;
  const next = nextOnboardingDue(c, policy);
  const recorded = Object.values(c.hours).reduce((a, h) => a + h, 0);
  return {
    id: input.caseId,
    agentId: c.agentId,
    brand: c.brand,
    tier: c.tier,
    teamLead: c.teamLead,
    phase: c.phase,
    policyVersion: policy.version,
    startedAt: isoOf(c.startedAt),
    modules: cur.classroom.modules.map((m) => ({ id: m.id, name: m.name, hours: c.hours[m.id] ?? 0, min: m.hours.min, max: m.hours.max ?? null })),
    classroom: {
      hours: recorded,
      plannedHours: plannedClassroomHours(cur),
      dueAt: iso(c.plan.classroomDueAt),
      complete: classroomComplete(c, cur),
      completedAt: iso(c.classroomDoneAt),
      behind: modulesBehind(c, cur, now),
    },
    mentor: c.mentor,
    mentored: c.mentored && { startsAt: isoOf(c.mentored.startsAt), earliestEndAt: isoOf(c.mentored.earliestEndAt), closesAt: isoOf(c.mentored.closesAt), extended: c.mentored.extended },
    gates: gatesView(c.gates),
    gatesOpen: c.phase === 'certified' || c.phase === 'stopped' ? [] : gatesNotPassed(c.gates, cur),
    qa: cur.qa ? { reviews: c.reviews.map(revealedReview), scored: c.reviewsScored } : null,
    decisions: c.decisions.map((d) => ({ outcome: d.outcome, by: d.by, at: isoOf(d.at), note: d.note })),
    certifiedAt: iso(c.certifiedAt),
    refreshers: c.refreshers.map((r) => {
      const spec = cur.refreshers.find((x) => x.id === r.id)!;
      return { id: r.id, name: spec.name, dueAt: isoOf(r.dueAt), hoursRecorded: r.hours, hoursRequired: spec.hours, cycle: r.cycle, mandatory: spec.mandatory, overdue: now > r.dueAt, suspended: r.suspended };
    }),
    nextDeadline: iso(nextOnboardingDeadline(c)),
    overdue: overdueItems(c, policy, now),
    next: next && { at: isoOf(next.at), summary: next.summary },
    worksAlone: registryStatus(c) === 'certified',
    ...attention,
  };
}

/** "Onboarding · ann · VIVtone L1 · mentored week 3": the phase, and the week of it. */
export function phaseLabel(c: OnboardingCase, policy: OnboardingPolicy, now: number): string {
  const week = (from: number) => Math.max(1, Math.floor((now - from) / weekLength(policy.curriculum)) + 1);
  switch (c.phase) {
    case 'classroom':
      return `classroom week ${week(c.plan.startsAt)}`;
    case 'mentored':
      return `mentored week ${week(c.mentored!.startsAt)}${c.mentored!.extended ? ' (extended)' : ''}`;
    case 'certified':
      return registryStatus(c) === 'suspended' ? 'certified, suspended (mandatory training overdue)' : 'certified';
    case 'stopped':
      return 'stopped';
  }
}

/** The Temporal UI's current details: phase, hours against plan, the gates with their values, the next deadline, the last actions. */
export function onboardingDetails(input: OnboardingInput, c: OnboardingCase, recent: readonly DetailsAction[], now: number): string {
  const { policy } = input;
  const cur = policy.curriculum;
  const next = nextOnboardingDue(c, policy);
  const clocks: DetailsClock[] = [];
  if (c.plan.classroomDueAt !== null) clocks.push({ name: 'classroom', target: `${plannedClassroomHours(cur)} h`, dueAt: c.plan.classroomDueAt, state: classroomComplete(c, cur) ? 'complete' : c.phase === 'classroom' && now > c.plan.classroomDueAt ? 'overdue' : 'running' });
  if (c.mentored) {
    clocks.push({ name: 'mentored: earliest certification', dueAt: c.mentored.earliestEndAt, state: now >= c.mentored.earliestEndAt ? 'reached' : 'running' });
    clocks.push({ name: `mentored: decision${c.mentored.extended ? ' (extended)' : ''}`, dueAt: c.mentored.closesAt, state: c.phase !== 'mentored' ? 'decided' : now > c.mentored.closesAt ? 'overdue' : 'running' });
  }
  for (const r of c.refreshers) clocks.push({ name: `refresher: ${r.id} (cycle ${r.cycle})`, target: `${cur.refreshers.find((x) => x.id === r.id)?.hours ?? '?'} h`, dueAt: r.dueAt, state: r.suspended ? 'overdue: suspended' : now > r.dueAt ? 'overdue' : `${r.hours} h done` });
  const modules = cur.classroom.modules.map((m) => `| ${cell(m.name)} | ${c.hours[m.id] ?? 0} | ${m.hours.min}${m.hours.max ? `–${m.hours.max}` : ''} |`);
  const sections = [['| module | hours | plan |', '|---|---|---|', ...modules].join('\n')];
  const g = c.gates;
  if (g) {
    const show = (name: string, value: string, pass: boolean | null) => `- ${name}: ${value} — ${pass === null ? 'not judged yet' : pass ? 'pass' : 'fail'}`;
    const lines = ['**Gates**'];
    if (g.aht) lines.push(show('AHT', `${g.aht.seconds ?? '—'} s over ${g.aht.tickets} tickets (target ${g.aht.minSeconds}–${g.aht.maxSeconds} s)`, g.aht.pass));
    if (g.csat) lines.push(show('CSAT', `${g.csat.satisfiedShare === null ? '—' : `${Math.round(g.csat.satisfiedShare * 100)} %`} of ${g.csat.rated} rated (min ${Math.round(g.csat.min * 100)} %)`, g.csat.pass));
    if (g.qa) lines.push(show('QA', `${g.qa.passRate === null ? '—' : `${Math.round(g.qa.passRate * 100)} %`} of ${g.qa.reviews} reviews (min ${Math.round(g.qa.min * 100)} %)`, g.qa.pass));
    sections.push(lines.join('\n'));
  }
  const mentor = c.mentor ? ` · mentor ${c.mentor}` : '';
  return caseDetailsMarkdown({
    headline: `**${phaseLabel(c, policy, now)}** · onboarding of ${c.agentId} · ${c.brand} ${c.tier}${mentor}`,
    next: next && { what: next.summary, at: next.at },
    timeZone: policy.calendar.timeZone,
    clocks,
    sections,
    recent,
  });
}
