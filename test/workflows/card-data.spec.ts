import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { incidentWorkflow, preservationWorkflow, ticketWorkflow } from '../../src/workflows';
import { incidentPriorityUpdate, incidentStatusQuery, noteIncidentUpdate } from '../../src/workflows/incident/messages';
import { assignReviewerUpdate, noteTakedownUpdate, takedownStatusQuery } from '../../src/workflows/takedown/messages';
import { extendPreservationUpdate, PreservationInput, preservationStatusQuery } from '../../src/workflows/takedown/preservation-messages';
import { assignUpdate, replyUpdate, statusQuery } from '../../src/workflows/ticket/messages';
import { CARDS, fullCardsIn, NO_FULL_CARDS, PROSE_WITH_CARDS, REDACTED, tablesHoldingFullCards } from '../support/card-data';
import { useWorkerStack } from '../support/harness';
import { manualIncidentInput } from '../support/incidents';
import { copyrightNotice, startTakedown, takedownInput, testTakedownPolicy } from '../support/takedowns';
import { ticketInput } from '../support/tickets';

const id26 = () => randomUUID().replace(/-/g, '').slice(0, 26);
const LEGAL = { id: 'legal-ines', role: 'legal' };

/**
 * Input that never went through the API — started and updated straight through the Temporal
 * client — meets the same card-data policy inside the workflow: prose redacted to the last four,
 * a reference with a card refused by the update's validator (InvalidValue naming the field, before
 * it enters history), and a start's fields redacted, since a start cannot be refused.
 */
describe('card numbers sent straight through the Temporal client', () => {
  const stack = useWorkerStack({}, { label: 'card-data' });
  const { taskQueue } = stack;

  /** The update's refusal: its failure type and field, and proof it never entered history. */
  async function refusal(p: Promise<unknown>): Promise<{ type: string | undefined; field: unknown }> {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(fullCardsIn(cause.message)).toEqual([]);
    return { type: cause.type ?? undefined, field: (cause.details?.[0] as { field?: unknown } | undefined)?.field };
  }
  const acceptedUpdates = async (h: { fetchHistory(): Promise<{ events?: { workflowExecutionUpdateAcceptedEventAttributes?: unknown }[] | null }> }) =>
    ((await h.fetchHistory()).events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;

  it('a ticket: start input and reply redacted, a card as assignee refused with every separator; nothing stored in full', async () => {
    const input = ticketInput({ subject: PROSE_WITH_CARDS, description: `${PROSE_WITH_CARDS} (description)`, customerRef: `cust ${CARDS[0].written}` });
    const h = await stack.client.workflow.start(ticketWorkflow, { workflowId: input.ticketId, taskQueue, args: [input] });
    const replied = await h.executeUpdate(replyUpdate, { args: [{ actor: 'ann', author: 'agent', message: `${PROSE_WITH_CARDS} (reply)` }] });
    expect(fullCardsIn(replied)).toEqual([]);
    const accepted = await acceptedUpdates(h);
    for (const card of CARDS) {
      expect(await refusal(h.executeUpdate(assignUpdate, { args: [{ actor: 'ann', assignee: `ann ${card.written}` }] }))).toEqual({ type: 'InvalidValue', field: 'assignee' });
    }
    // Glued to a word that is not a hex ID, as QA sent it.
    expect(await refusal(h.executeUpdate(assignUpdate, { args: [{ actor: 'ann', assignee: 'x4242.4242.4242.4242' }] }))).toEqual({ type: 'InvalidValue', field: 'assignee' });
    expect(await acceptedUpdates(h)).toBe(accepted);
    const view = await h.query(statusQuery);
    expect(view).toMatchObject({ subject: REDACTED, description: `${REDACTED} (description)`, customerRef: 'cust •••• 4242' });
    expect(fullCardsIn(view)).toEqual([]);
    expect(await tablesHoldingFullCards(stack.ds, `${REDACTED} (description)`)).toEqual(NO_FULL_CARDS);
  });

  it('an incident: title and note redacted, a card as priority refused', async () => {
    const input = manualIncidentInput(`incident-manual-${id26()}`, { title: PROSE_WITH_CARDS, impact: `${PROSE_WITH_CARDS} (impact)` });
    const h = await stack.client.workflow.start(incidentWorkflow, { workflowId: input.incidentId, taskQueue, args: [input] });
    const noted = await h.executeUpdate(noteIncidentUpdate, { args: [{ actor: 'sre-kim', text: `${PROSE_WITH_CARDS} (note)` }] });
    expect(noted.notes.map((n) => n.text)).toEqual([`${REDACTED} (note)`]);
    for (const card of CARDS) {
      expect(await refusal(h.executeUpdate(incidentPriorityUpdate, { args: [{ actor: 'sre-kim', priority: card.written, reason: 'r' }] }))).toEqual({ type: 'InvalidValue', field: 'priority' });
    }
    const view = await h.query(incidentStatusQuery);
    expect(view.title).toBe(REDACTED);
    expect(fullCardsIn(view)).toEqual([]);
    expect(await tablesHoldingFullCards(stack.ds, `${REDACTED} (note)`)).toEqual(NO_FULL_CARDS);
  });

  it('a takedown and a preservation hold: notice prose redacted at start, a note redacted, a card as reviewer or reference refused', async () => {
    const input = takedownInput(copyrightNotice({ explanation: `${PROSE_WITH_CARDS} (explanation)` }));
    // As a client bypassing the API might send it: a card in the notifier's e-mail too (redacted, since a start cannot be refused).
    input.notice.notifier.email = `jane+${CARDS[1].written}@studio.example`;
    const h = await startTakedown(stack.client, taskQueue, input);
    const noted = await h.executeUpdate(noteTakedownUpdate, { args: [{ actor: LEGAL, text: `${PROSE_WITH_CARDS} (takedown note)` }] });
    expect(fullCardsIn(noted)).toEqual([]);
    for (const card of CARDS) {
      expect(await refusal(h.executeUpdate(assignReviewerUpdate, { args: [{ actor: LEGAL, reviewer: card.written }] }))).toEqual({ type: 'InvalidValue', field: 'reviewer' });
    }
    expect(fullCardsIn(await h.query(takedownStatusQuery))).toEqual([]);

    const policy = testTakedownPolicy();
    const hold: PreservationInput = {
      holdId: `preservation-${id26()}`,
      caseId: input.caseId,
      brand: 'uoozee',
      authority: `Polizei Berlin ${CARDS[2].written}`,
      reference: 'LKA7-1',
      items: [{ contentId: 'vid_901' }],
      requestedBy: 'legal-ines',
      requestedAt: Date.now(),
      policy: policy.clocks.preservation!,
      escalateTo: policy.escalateTo,
    };
    const p = await stack.client.workflow.start(preservationWorkflow, { workflowId: hold.holdId, taskQueue, args: [hold] });
    for (const card of CARDS) {
      expect(await refusal(p.executeUpdate(extendPreservationUpdate, { args: [{ actor: LEGAL, reference: card.written }] }))).toEqual({ type: 'InvalidValue', field: 'reference' });
    }
    const held = await p.query(preservationStatusQuery);
    expect(held.authority).toBe('Polizei Berlin •••• 1117');
    expect(await tablesHoldingFullCards(stack.ds, `${REDACTED} (takedown note)`)).toEqual(NO_FULL_CARDS);
    expect(await tablesHoldingFullCards(stack.ds, 'Polizei Berlin •••• 1117')).toEqual(NO_FULL_CARDS);
  });
});
