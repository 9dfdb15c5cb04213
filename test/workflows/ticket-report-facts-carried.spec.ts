import { temporal } from '@temporalio/proto';
import { ticketWorkflow } from '../../src/workflows';
import { csatUpdate, intakeUpdate, replyUpdate, resolveUpdate, rootCauseUpdate, statusQuery } from '../../src/workflows/ticket/messages';
import { useWorkerStack } from '../support/harness';
import { ticketInput } from '../support/tickets';
import { waitFor } from '../support/wait-for';

const EventType = temporal.api.enums.v1.EventType;
const HOUR = 3_600_000;

/**
 * The report facts (NPS, root-cause tags, logged handle time) live in the ticket's state: a
 * ticket that continues as new between its steps hands them to the next run, so the sum the
 * monthly AHT (001 "AHT of 4–6 minutes") reads counts every step once, whichever run took it.
 */
describe('ticket report facts across continue-as-new', () => {
  const stack = useWorkerStack({}, { label: 'ticket-facts-can' });

  it('sums handle time, keeps the tags and takes NPS over several runs', async () => {
    const input = ticketInput({ priority: 'P3', runLimits: { updates: 2 } }, { firstResponse: HOUR, resolution: HOUR, nextResponse: HOUR });
    input.policy = {
      ...input.policy,
      rootCauses: [
        { id: 'known-issue', label: 'Known issue', preventable: true },
        { id: 'network-cdn', label: 'Network or CDN', preventable: false },
      ],
    };
    const handle = await stack.client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue: stack.taskQueue, args: [input] });
    await handle.executeUpdate(intakeUpdate, { args: [{ requestHash: input.requestHash }] });
    const seconds = [120, 300, 45, 600];
    for (const handleSeconds of seconds) await handle.executeUpdate(replyUpdate, { args: [{ actor: 'ann', author: 'agent', message: 'On it', handleSeconds }] });
    await handle.executeUpdate(rootCauseUpdate, { args: [{ actor: 'ann', tags: ['network-cdn', 'known-issue'] }] });
    await handle.executeUpdate(replyUpdate, { args: [{ actor: 'cust', author: 'customer', message: 'Thanks' }] });
    await handle.executeUpdate(resolveUpdate, { args: [{ actor: 'ann', resolution: 'CDN edge fixed', handleSeconds: 90 }] });
    const answered = await handle.executeUpdate(csatUpdate, { args: [{ actor: 'cust', score: 4, comment: null, nps: 10 }] });
    expect(answered).toMatchObject({ handleSeconds: 1155, rootCauseTags: ['network-cdn', 'known-issue'], preventable: true, nps: { score: 10 } });

    // It did continue as new on the way (two updates a run).
    const described = await stack.client.workflow.getHandle(input.ticketId, handle.firstExecutionRunId).fetchHistory();
    const last = described.events?.[described.events.length - 1];
    expect(last?.eventType).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);

    expect(await handle.query(statusQuery)).toMatchObject({ handleSeconds: 1155, preventable: true });
    await waitFor(async () => {
      const [row] = await stack.ds.query(`SELECT handle_seconds, nps_score, root_cause_tags, preventable FROM tickets WHERE id = $1`, [input.ticketId]);
      return row?.nps_score === 10 && row.handle_seconds === 1155 && row.preventable === true && row.root_cause_tags.length === 2;
    }, { what: 'report columns after the last run' });
  });
});
