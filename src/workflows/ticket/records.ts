import { deprecatePatch, patched } from '@temporalio/workflow';
import type { TicketStatus } from '../../domain/ticket';
import type { Wakeup } from '../common/agenda';
import { CaseEvent, CaseRecorder, RecordOptions, RecorderCarried } from '../common/case-recorder';
import type { CaseAttention } from '../common/needs-attention';
import type { RetriedUpdates } from '../common/retried-updates';
import type { RunBudget } from '../common/run-budget';
import { recordTicketTransition, recordTicketTransitionLocally } from './activity-proxies';
import type { TicketInput, TicketView } from './messages';
import type { TicketState } from './state';
import { publishTicket } from './view';

/**
 * Retired patch (issue 13): every ticket records through a regular activity, its updates' events
 * keyed by the update (the local-activity and type-keyed variants are gone). Its marker stays in
 * histories recorded before; calling this wherever the old code asked which recorder to use keeps
 * the marker at the same moment of the run, so those histories still replay.
 */
function retiredRecorderPatch(): void {
  deprecatePatch('ticket-record-as-task');
}

/** Issue 17: the opening and the clocks' steps are recorded by a local activity (activity-proxies.ts). */
const SYSTEM_RECORDS_LOCAL_PATCH = 'ticket-system-records-local';

/**
 * How a change that no update caused is recorded: locally, except in histories recorded before
 * the patch, which replay their regular activities. Asked where such a record is made, so the
 * marker sits at the first one.
 */
export function systemRecord(): RecordOptions {
  return { local: patched(SYSTEM_RECORDS_LOCAL_PATCH) };
}

/**
 * The ticket's records on the case core (CaseRecorder): the opening, each change, and what a
 * draining run queued. Each event also says what the status and assignee changed from since the
 * previous record (issue 20, part 3), so the history reads as transitions.
 */
export class TicketRecords {
  private readonly recorder: CaseRecorder<TicketView>;
  private recordedStatus: TicketStatus | null = null;
  private recordedAssignee: string | null | undefined = undefined;

  constructor(
    private readonly input: TicketInput,
    private readonly state: TicketState,
    deps: { attention: CaseAttention; budget: RunBudget; wakeup: Wakeup; retries: RetriedUpdates; view: () => TicketView },
  ) {
    this.recorder = new CaseRecorder<TicketView>({
      caseId: input.ticketId,
      ...deps,
      publish: () => publishTicket(input, state, this.recorder.recent),
      write: (view, events, _version, local) => this.write(view, events, local),
      // Histories recorded before the case core replay only with the ticket's old command order.
      alwaysAwaitOpening: true,
      carried: input.carried ? { seq: input.carried.seq, unrecorded: input.carried.unrecorded, recent: input.carried.recent } : null,
    });
  }

  carry(): RecorderCarried {
    return this.recorder.carry();
  }

  /** The last few actions, for the UI's details. */
  get recent() {
    return this.recorder.recent;
  }

  /** A new ticket's 'opened' record, or what the previous run queued while it drained. */
  async open(): Promise<void> {
    const carried = this.input.carried;
    if (carried) {
      if (carried.unrecorded.length > 0) retiredRecorderPatch();
      return this.recorder.start(null);
    }
    retiredRecorderPatch();
    this.transitionSinceLastRecord();
    const { input, state } = this;
    // A new run's first task is never speculative: the start is on the server before it.
    const options = systemRecord();
    return this.recorder.start({
      type: 'opened',
      actor: input.openedBy,
      occurredAt: state.openedAt,
      data: {
        channel: input.channel,
        priority: input.priority,
        plan: input.plan,
        policyVersion: state.policy.version,
        receivedAt: new Date(state.receivedAt).toISOString(),
        // How the plan was established, and what the request claimed when the CRM corrected it.
        ...(input.entitlement ? { entitlement: input.entitlement.status, claimedPlan: input.entitlement.claimedPlan } : {}),
      },
    }, options);
  }

  /**
   * Publishes the change just applied and records it (snapshot + keyed event). Called
   * synchronously after the change, so numbers follow the order changes were applied in and the
   * status/assignee read before is what the change started from. `options`: systemRecord() for a
   * change no update caused.
   */
  commit(type: string, actor: string, data: Record<string, unknown>, eventKey?: string, options?: RecordOptions): Promise<TicketView> {
    retiredRecorderPatch();
    return this.recorder.record(type, actor, { ...data, ...this.transitionSinceLastRecord() }, eventKey, options);
  }

  /**
   * The ticket's activity (its name and arguments unchanged) takes one event at a time: a queue
   * from a draining run is written in order, each write versioned by its own event's number. One
   * event's write is the activity's own promise (no extra turn: saved histories order by it).
   */
  private write(view: TicketView, events: CaseEvent[], local: boolean): Promise<unknown> {
    const { requestHash } = this.input;
    const record = local ? recordTicketTransitionLocally : recordTicketTransition;
    if (events.length === 1) return record({ view, requestHash, version: events[0].seq }, events[0]);
    return (async () => {
      for (const event of events) await record({ view, requestHash, version: event.seq }, event);
    })();
  }

  /** What this record changed from: the status and assignee as of the previous record. */
  private transitionSinceLastRecord(): Record<string, unknown> {
    const { status, assignee } = this.state;
    const change: Record<string, unknown> = {};
    const from = this.recordedStatus ?? status;
    if (from !== status) Object.assign(change, { statusFrom: from, statusTo: status });
    const fromAssignee = this.recordedAssignee === undefined ? assignee : this.recordedAssignee;
    if (fromAssignee !== assignee) Object.assign(change, { assigneeFrom: fromAssignee, assigneeTo: assignee });
    this.recordedStatus = status;
    this.recordedAssignee = assignee;
    return change;
  }
}
