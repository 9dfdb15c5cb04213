import { existsSync } from 'node:fs';
import { DeterminismViolationError } from '@temporalio/workflow';
import { tracedBundleOf } from '../../src/worker/workflow-bundle';
import { temporal } from '@temporalio/proto';
import { productionWorkflowBundle, savedHistories } from '../support/saved-histories';
import { REPLAYED_WORKFLOW_TYPES } from './fixture-format';
import { REQUIRED_FEATURES } from './required-features';

/**
 * Every workflow type's saved histories (test/replay/fixtures/<type>.json, recorded by the code
 * before a change: test/replay/README.md) must replay on the bundle production runs. A failure
 * here means a change altered the commands a running case already recorded.
 */
describe('saved histories replay on the production workflow bundle', () => {
  const bundlePath = productionWorkflowBundle();
  const fixture = (type: string) => savedHistories(`${type}.json`, { bundlePath });

  it.each(REPLAYED_WORKFLOW_TYPES)('%s', async (type) => {
    const saved = fixture(type);
    expect(saved.histories.length).toBeGreaterThan(0);
    for (const { history } of saved.histories) {
      expect(history.events[0].workflowExecutionStartedEventAttributes?.workflowType?.name).toBe(type);
      expect(history.events.length).toBeGreaterThanOrEqual(10);
    }
    // The fixture still shows what it was recorded to show (every patch's new path, continue-as-new).
    const shown = new Set(saved.histories.flatMap((h) => h.features));
    expect(REQUIRED_FEATURES[type].filter((f) => !shown.has(f))).toEqual([]);
    await saved.replayAll();
  });

  it('the traced build (tracing on) replays every type\'s histories too: switching tracing on or off never breaks a running case', async () => {
    const traced = tracedBundleOf(bundlePath);
    expect(existsSync(traced)).toBe(true);
    for (const type of REPLAYED_WORKFLOW_TYPES) await savedHistories(`${type}.json`, { bundlePath: traced }).replayAll();
    // 5–8 s alone; late in make test's single process each replay worker of the traced bundle took
    // 1–15 s (one run: 61 s in all, over jest's 60 s default). Correctness, not speed, is tested here.
  }, 240_000);

  it('fails on a history whose commands the code does not make (an activity renamed in one event)', async () => {
    const saved = fixture('ticketWorkflow');
    const { workflowId, history } = saved.histories[0];
    const tampered = temporal.api.history.v1.History.decode(temporal.api.history.v1.History.encode(history).finish());
    const scheduled = tampered.events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
    expect(scheduled).toBeDefined();
    scheduled!.activityTaskScheduledEventAttributes!.activityType!.name = 'noSuchActivity';
    await expect(saved.replay(tampered, workflowId, history)).rejects.toBeInstanceOf(DeterminismViolationError);
    // The untouched history replays: the failure is the tampering's, not the fixture's.
    await saved.replay(history, workflowId);
  });
});
