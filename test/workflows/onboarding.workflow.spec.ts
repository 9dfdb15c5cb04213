import { WorkflowUpdateFailedError } from '@temporalio/client';
import { onboardingWorkflow } from '../../src/workflows';
import { CaseKind, OnboardingPhase, Overdue } from '../../src/workflows/search-attributes';
import {
  decideOnboardingUpdate,
  evaluateGatesUpdate,
  OnboardingInput,
  onboardingStatusQuery,
  recordSessionUpdate,
  scoreQaUpdate,
  startMentoredUpdate,
} from '../../src/workflows/onboarding/messages';
import { startNotifyWebhookFake } from '../fakes/notify-webhook';
import { useWorkerStack } from '../support/harness';
import { LEAD, newAgentId, onboardingInput, registerAgent, registryOf, REVIEWER_A, REVIEWER_B, REVIEWER_C, testOnboardingPolicy, TRAINER } from '../support/onboarding';
import { waitFor } from '../support/wait-for';

/** The failure an update was refused with: its type and message. */
async function refusal(p: Promise<unknown>): Promise<{ type: string | undefined; message: string; details: unknown }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause as { type?: string; message: string; details?: unknown[] };
      return { type: cause.type, message: cause.message, details: cause.details?.[0] };
    }
    throw err;
  }
  throw new Error('the update was not refused');
}

const ALL_POINTS = { diagnosis: 2, resolution: 2, tone: 1 };

/**
 * Issue 14 §2 on the real server with the test packs' curricula (a "week" of 5 s, a "month" of
 * 10 s): hours against the plan, the classroom deadline escalated once, the mentored period and
 * its decision, double-blind QA, certification into the registry, and a mandatory refresher
 * overdue past its grace suspending solo work until it is done.
 */
describe('onboarding workflow', () => {
  const stack = useWorkerStack(({ notify }) => ({ NOTIFY_WEBHOOK_URL: notify.url }), { label: 'onboarding', fakes: { notify: startNotifyWebhookFake } });
  const notified = (caseId: string, kind: string) => stack.fakes.notify.accepted.filter((n) => n.body.ticketId === caseId && n.body.kind === kind);

  const start = async (input: OnboardingInput) => {
    await registerAgent(stack.ds, input.agentId, input.brand);
    return stack.client.workflow.start(onboardingWorkflow, { workflowId: input.caseId, taskQueue: stack.taskQueue, args: [input] });
  };
  const events = async (caseId: string) =>
    (await stack.ds.query(`SELECT type, actor, event_key, data FROM onboarding_events WHERE case_id = $1 ORDER BY id`, [caseId])) as { type: string; actor: string; event_key: string; data: Record<string, unknown> }[];

  it('VIVtone: refuses what the phase does not allow, escalates the overdue classroom once, and the registry follows the mentored phase', async () => {
    const input = onboardingInput(newAgentId('viv'), testOnboardingPolicy('vivtone'));
    const h = await start(input);
    const session = (module: string, hours: number, actor = TRAINER) => h.executeUpdate(recordSessionUpdate, { args: [{ actor, module, hours }] });

    expect(await refusal(session('product', 2, REVIEWER_A))).toMatchObject({ type: 'OnboardingForbidden' });
    expect(await refusal(session('underwater-basket-weaving', 2))).toMatchObject({ type: 'InvalidValue', details: { field: 'module' } });
    expect(await refusal(session('product', 0.3))).toMatchObject({ type: 'InvalidValue', details: { field: 'hours' } });
    const v1 = await session('product', 2);
    expect(v1.modules.find((m) => m.id === 'product')).toMatchObject({ hours: 2, min: 2 });
    expect(v1.classroom).toMatchObject({ hours: 2, plannedHours: 4, complete: false });

    const short = await refusal(h.executeUpdate(startMentoredUpdate, { args: [{ actor: TRAINER, mentor: 'mentor-mo' }] }));
    expect(short).toMatchObject({ type: 'InvalidTransition' });
    expect(short.message).toBe('the classroom is 2 h short (compliance 1 h)');

    // The classroom is due two "weeks" (10 s) in, still 2 h short: the team lead hears once, the case shows it overdue.
    await waitFor(() => notified(input.caseId, 'onboarding_overdue').length > 0, { timeoutMs: 20_000, what: 'classroom overdue escalation' });
    const overdueView = await h.query(onboardingStatusQuery);
    expect(overdueView.overdue).toEqual(['classroom']);
    expect(notified(input.caseId, 'onboarding_overdue')[0].body).toMatchObject({ recipient: 'user:lead-test', level: 'manager' });
    const attrs = (await h.describe()).typedSearchAttributes;
    expect([attrs.get(CaseKind), attrs.get(OnboardingPhase), attrs.get(Overdue)]).toEqual(['onboarding', 'classroom', true]);
    const checkIns = (await events(input.caseId)).filter((e) => e.type === 'check_in');
    expect(checkIns.length).toBeGreaterThanOrEqual(1);
    expect(checkIns[0].data).toMatchObject({ week: 1, atRisk: true });

    await session('compliance', 1);
    const done = await session('product', 1);
    expect(done.classroom.complete).toBe(true);
    const mentored = await h.executeUpdate(startMentoredUpdate, { args: [{ actor: TRAINER, mentor: 'mentor-mo' }] });
    expect(mentored).toMatchObject({ phase: 'mentored', mentor: 'mentor-mo', worksAlone: false });
    await waitFor(async () => (await registryOf(stack.ds, input.agentId)).status === 'mentored', { what: 'registry: mentored' });

    // Certification waits for the period's minimum and for the gates (none measured yet).
    const early = await refusal(h.executeUpdate(decideOnboardingUpdate, { args: [{ actor: LEAD, outcome: 'certify', note: 'looks good' }] }));
    expect(early.message).toMatch(/^the mentored period lasts until /);
    const measured = await h.executeUpdate(evaluateGatesUpdate, { args: [{ actor: TRAINER }] });
    expect(measured.gates).toMatchObject({ aht: { tickets: 0, seconds: null, minSeconds: 216, maxSeconds: 396, pass: null }, csat: { rated: 0, pass: null } });
    expect(measured.gatesOpen).toEqual(['aht', 'csat']);

    const extended = await h.executeUpdate(decideOnboardingUpdate, { args: [{ actor: LEAD, outcome: 'extend', note: 'needs more rated tickets' }] });
    expect(extended.mentored).toMatchObject({ extended: true });
    expect(Date.parse(extended.mentored!.closesAt) - Date.parse(mentored.mentored!.closesAt)).toBe(5_000);
    expect((await refusal(h.executeUpdate(decideOnboardingUpdate, { args: [{ actor: LEAD, outcome: 'extend', note: 'again' }] }))).message).toBe('the mentored period was extended once already');

    const stopped = await h.executeUpdate(decideOnboardingUpdate, { args: [{ actor: LEAD, outcome: 'stop', note: 'left the company' }] });
    expect(stopped.phase).toBe('stopped');
    expect((await h.result()).decisions.map((d) => [d.outcome, d.by])).toEqual([
      ['extend', 'ops-olga'],
      ['stop', 'ops-olga'],
    ]);
    expect(notified(input.caseId, 'onboarding_overdue')).toHaveLength(1);
    const registry = await registryOf(stack.ds, input.agentId);
    expect(registry.changes.map((c) => c.to)).toEqual(['onboarding', 'mentored', 'suspended']);
  }, 60_000);

  it('Uoozee: double-blind QA (blind until both are in, a disagreement calibrated by a third), certification on the QA gate, a mandatory refresher suspends and restores', async () => {
    const base = testOnboardingPolicy('uoozee');
    // The shipped Uoozee refresher is not mandatory: this case's pinned curriculum makes it so (due every 10 s, 1 "day" of grace).
    const policy = { ...base, curriculum: { ...base.curriculum, refreshers: [{ id: 'quarterly-refresh', name: 'Refresh session', hours: 1, everyMonths: 1, mandatory: true, graceDays: 1 }] } };
    const input = onboardingInput(newAgentId('uoo'), policy);
    const h = await start(input);
    const score = (actor: typeof REVIEWER_A, reviewId: string, criteria: Record<string, number>, ticketId = 'ticket-qa-1') =>
      h.executeUpdate(scoreQaUpdate, { args: [{ actor, reviewId, ticketId, criteria }] });

    await h.executeUpdate(recordSessionUpdate, { args: [{ actor: TRAINER, module: 'technical-diagnostics', hours: 2 }] });
    await h.executeUpdate(recordSessionUpdate, { args: [{ actor: TRAINER, module: 'soft-skills', hours: 1 }] });
    expect((await refusal(h.executeUpdate(startMentoredUpdate, { args: [{ actor: TRAINER, mentor: 'm' }] }))).message).toBe("uoozee's curriculum has no mentored period: certify once the gates pass");

    // Reviewer A scores: neither the update's answer nor the query shows the score.
    const afterA = await score(REVIEWER_A, 'r1', ALL_POINTS);
    expect(afterA.qa!.reviews).toEqual([{ id: 'r1', ticketId: 'ticket-qa-1', state: 'open', scoresIn: 1, reviewers: ['qa-ana'], scores: null, final: null, passed: null }]);
    expect(JSON.stringify(await h.query(onboardingStatusQuery))).not.toMatch(/"points"|"diagnosis":2/);
    expect((await refusal(score(REVIEWER_A, 'r1', ALL_POINTS))).message).toBe('qa-ana has scored review r1 already');
    expect((await refusal(score({ id: input.agentId, role: 'agent' }, 'r1', ALL_POINTS))).message).toBe('an agent does not review their own tickets');
    expect(await refusal(score(REVIEWER_B, 'r1', { diagnosis: 3, resolution: 2, tone: 1 }))).toMatchObject({ type: 'InvalidValue', details: { field: 'criteria.diagnosis' } });

    // B is 3 points lower (calibrateAbove 1): still blind, to calibration; the third reviewer's score makes the median.
    const afterB = await score(REVIEWER_B, 'r1', { diagnosis: 1, resolution: 1, tone: 0 });
    expect(afterB.qa!.reviews[0]).toMatchObject({ state: 'calibration', scoresIn: 2, scores: null });
    const afterC = await score(REVIEWER_C, 'r1', { diagnosis: 2, resolution: 2, tone: 0 });
    expect(afterC.qa!.reviews[0]).toMatchObject({ state: 'scored', final: 4, passed: true });
    expect(afterC.qa!.reviews[0].scores!.map((s) => [s.reviewer, s.points])).toEqual([
      ['qa-ana', 5],
      ['qa-ben', 2],
      ['qa-cal', 4],
    ]);

    // One scored review of the two the gate reads: not judged, so no certification yet.
    expect((await refusal(h.executeUpdate(decideOnboardingUpdate, { args: [{ actor: LEAD, outcome: 'certify', note: 'x' }] }))).message).toBe('gates not passed: qa (evaluate them, or extend)');
    await score(REVIEWER_A, 'r2', ALL_POINTS, 'ticket-qa-2');
    await score(REVIEWER_B, 'r2', { diagnosis: 2, resolution: 2, tone: 0 }, 'ticket-qa-2');
    const gates = await h.executeUpdate(evaluateGatesUpdate, { args: [{ actor: TRAINER }] });
    expect(gates.gates).toMatchObject({ aht: null, csat: null, qa: { reviews: 2, passRate: 1, min: 0.9, pass: true } });
    const certified = await h.executeUpdate(decideOnboardingUpdate, { args: [{ actor: LEAD, outcome: 'certify', note: 'QA 2 of 2' }] });
    expect(certified).toMatchObject({ phase: 'certified', worksAlone: true });
    expect(certified.refreshers).toMatchObject([{ id: 'quarterly-refresh', cycle: 1, mandatory: true, suspended: false }]);
    await waitFor(async () => (await registryOf(stack.ds, input.agentId)).status === 'certified', { what: 'registry: certified' });

    // The refresher falls due 10 s after certification; 1 "day" (5/7 s) later solo work is suspended.
    await waitFor(async () => (await registryOf(stack.ds, input.agentId)).status === 'suspended', { timeoutMs: 25_000, what: 'registry: suspended' });
    const suspended = await h.query(onboardingStatusQuery);
    expect(suspended).toMatchObject({ phase: 'certified', worksAlone: false, overdue: ['refresher:quarterly-refresh'] });
    expect(notified(input.caseId, 'refresher_overdue')).toHaveLength(1);
    expect(notified(input.caseId, 'agent_suspended')).toHaveLength(1);

    const restored = await h.executeUpdate(recordSessionUpdate, { args: [{ actor: TRAINER, module: 'quarterly-refresh', hours: 1 }] });
    expect(restored).toMatchObject({ worksAlone: true, refreshers: [{ cycle: 2, suspended: false, overdue: false }] });
    await waitFor(async () => (await registryOf(stack.ds, input.agentId)).status === 'certified', { what: 'registry: restored' });
    const registry = await registryOf(stack.ds, input.agentId);
    expect(registry.changes.map((c) => c.to)).toEqual(['onboarding', 'certified', 'suspended', 'certified']);
    expect(new Set(registry.changes.slice(1).map((c) => c.key)).size).toBe(3);

    // The record: a review's scores appear only in the event that revealed them.
    const recorded = (await events(input.caseId)).filter((e) => e.type === 'qa_score');
    expect(recorded.map((e) => [e.data.state, 'scores' in e.data])).toEqual([
      ['open', false],
      ['calibration', false],
      ['scored', true],
      ['open', false],
      ['scored', true],
    ]);
    await h.executeUpdate(decideOnboardingUpdate, { args: [{ actor: LEAD, outcome: 'stop', note: 'left' }] });
  }, 60_000);
});
