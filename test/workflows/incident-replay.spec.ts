import { savedHistories } from '../support/saved-histories';

/**
 * An incident opened by the code before continue-as-new (commit 5500fc6: every note in the view,
 * a search-attribute upsert per action, bare handlers) must replay on today's code: the changes
 * that alter commands sit behind patched('case-continue-as-new') and patched('incident-lean-records').
 * The fixture is that code's history of a P1 (concurrent notes, two pages, acknowledge, link,
 * mitigate, resolve, more notes), with the test payload key it was encrypted under.
 */
describe('incident histories from before continue-as-new', () => {
  it('replay without a nondeterminism error', async () => {
    const { histories, replay } = savedHistories('incident-before-continue-as-new.json');
    expect(histories.length).toBeGreaterThan(0);
    for (const { workflowId, history: decoded } of histories) {
      expect(decoded.events.length).toBeGreaterThan(100);
      await replay(decoded, workflowId);
    }
  });
});
