import { slaCountColumns } from '../../../src/persistence/read-model/ticket-sla-counts';
import type { SlaMetricView } from '../../../src/workflows/ticket/messages';

const clock = (metric: SlaMetricView['metric'], state: SlaMetricView['state'], cycle = 1) => ({ metric, state, cycle }) as SlaMetricView;

describe('the SLA report columns of a ticket', () => {
  it('count every settled clock once: current, listed history and the only-counted earlier ones', () => {
    const columns = slaCountColumns({
      sla: { firstResponse: clock('firstResponse', 'met'), resolution: clock('resolution', 'running', 2), nextResponse: clock('nextResponse', 'breached', 4) },
      slaHistory: [clock('resolution', 'breached'), clock('nextResponse', 'met', 2), clock('nextResponse', 'met', 3)],
      slaHistoryEarlier: { nextResponse: { met: 7, breached: 2, count: 9 } },
    });
    expect(columns).toEqual({
      sla_first_response_met: 1,
      sla_first_response_breached: 0,
      sla_next_response_met: 9,
      sla_next_response_breached: 3,
      sla_resolution_met: 0,
      sla_resolution_breached: 1,
      sla_mitigation_met: 0,
      sla_mitigation_breached: 0,
      sla_queue_wait_met: 0,
      sla_queue_wait_breached: 0,
    });
  });

  it('counts a chat\'s queue wait in its own columns (001: "sub-2-minute wait for live chat")', () => {
    const columns = slaCountColumns({ sla: { queueWait: clock('queueWait', 'breached'), firstResponse: clock('firstResponse', 'met') }, slaHistory: [] });
    expect(columns).toMatchObject({ sla_queue_wait_met: 0, sla_queue_wait_breached: 1, sla_first_response_met: 1 });
    const met = slaCountColumns({ sla: {}, slaHistory: [clock('queueWait', 'met')] });
    expect(met).toMatchObject({ sla_queue_wait_met: 1, sla_queue_wait_breached: 0 });
  });

  it('a ticket with no settled clock counts zero everywhere', () => {
    expect(Object.values(slaCountColumns({ sla: { firstResponse: clock('firstResponse', 'running') }, slaHistory: [] }))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
