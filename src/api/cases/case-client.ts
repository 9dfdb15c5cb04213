import type { ReadAt } from '../../workflows/common/read-time';
import { Injectable, Logger } from '@nestjs/common';
import { Client, QueryDefinition, UpdateDefinition, Workflow, WorkflowNotFoundError, WorkflowStartOptions } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { Problem } from '../problem/problem';
import { endedCaseProblem, endedCaseView, EndedView, isCaseEnded } from '../temporal/ended-case';
import { CASE_KINDS, CaseKind, CaseKindSpec } from './case-kinds';
import { throwCaseProblem } from './case-problem';
import { RecentlyFailedReads } from './failed-reads';
import { queryOrFallBack } from './live-query';
import { sendWithRetry } from './update-retries';

export type ReadSource = 'workflow' | 'read-model';

export interface CaseUpdateOptions {
  /** The update's ID: an action key (idempotent retries) or, when not given, a fresh one. */
  updateId?: string;
  /** The state the read model last recorded, to name in the 409 once the case has ended. */
  recordedState: () => Promise<string | undefined>;
  /** Added to the ended case's 409/410 (e.g. the action refused). */
  extensions?: Record<string, unknown>;
}

/**
 * The API's one way to start, steer and read a case of any kind (CASE_KINDS). Every failure is
 * answered by one mapping: not a case ID or no such workflow → 404, a case that has ended → 409
 * naming its final state (410 when its workflow stopped abnormally), a refusal → its problem
 * (case-problem.ts); anything else is rethrown as it is.
 */
@Injectable()
export class CaseClient {
  private readonly logger = new Logger('cases');
  /** Cases whose workflow failed a read lately: read from the read model meanwhile (failed-reads.ts). */
  private readonly failedReads = new RecentlyFailedReads();

  constructor(
    private readonly temporal: Client,
    private readonly config: AppConfig,
  ) {}

  spec(kind: CaseKind): CaseKindSpec {
    return CASE_KINDS[kind];
  }

  /** A 404 for an ID that cannot be this kind's, before Temporal is asked. */
  assertId(kind: CaseKind, id: string): void {
    if (!CASE_KINDS[kind].isId(id)) throw Problem.notFound(CASE_KINDS[kind].noun, id);
  }

  /**
   * Opens a case whose first answer the caller computes from the start input itself (tickets:
   * opening-view.ts), with a plain start that does not wait for the worker's first task. Exactly
   * one request starts the workflow: conflict policy FAIL, and a closed case's ID is never reused
   * (REJECT_DUPLICATE). Any other request for the same ID — a retry, or one racing the first —
   * joins the case with `join` (its own idempotency check, answering its current state) or, once
   * it has closed, is answered by `whenClosed` from the read model.
   */
  async startOrJoin<W extends Workflow, Ret, Args extends [unknown, ...unknown[]]>(
    kind: CaseKind,
    workflow: W,
    options: WorkflowStartOptions<W>,
    join: { update: UpdateDefinition<Ret, Args>; args: Args },
    whenClosed: () => Promise<Ret>,
  ): Promise<{ started: true } | { started: false; joined: Ret }> {
    const { noun } = CASE_KINDS[kind];
    const workflowId = options.workflowId;
    try {
      await this.temporal.workflow.start(workflow, { ...options, workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE' });
      return { started: true };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) return throwCaseProblem(err, noun, workflowId);
    }
    try {
      const joined = await this.temporal.workflow.getHandle(workflowId).executeUpdate(join.update, { args: join.args, updateId: randomUUID() });
      return { started: false, joined };
    } catch (err) {
      // Closed (or past retention) since it was started: the read model answers the retry.
      if (isCaseEnded(err) || err instanceof WorkflowNotFoundError) return { started: false, joined: await whenClosed() };
      return throwCaseProblem(err, noun, workflowId);
    }
  }

  /** Starts a case's workflow; the same ID started before (a retried create) is `replayed`, not an error. */
  async start<W extends Workflow>(workflow: W, options: WorkflowStartOptions<W>): Promise<{ replayed: boolean }> {
    try {
      await this.temporal.workflow.start(workflow, options);
      return { replayed: false };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { replayed: true };
      throw err;
    }
  }

  /** Sends one action to a case and answers its result; see the class comment for the failures. */
  async update<Ret, Args extends [unknown, ...unknown[]]>(kind: CaseKind, id: string, update: UpdateDefinition<Ret, Args>, args: Args, opts: CaseUpdateOptions): Promise<Ret> {
    const spec = CASE_KINDS[kind];
    this.assertId(kind, id);
    const updateId = opts.updateId ?? randomUUID();
    const handle = this.temporal.workflow.getHandle(id);
    try {
      return await sendWithRetry(spec.retry, spec.noun, id, () => handle.executeUpdate(update, { updateId, args }));
    } catch (err) {
      if (err instanceof Problem) throw err;
      // The workflow has ended (also while this update was in flight): the case exists but takes no more actions.
      if (isCaseEnded(err)) throw await endedCaseProblem(this.temporal, spec.endedNoun ?? spec.noun, id, opts.recordedState, opts.extensions);
      return throwCaseProblem(err, spec.noun, id);
    }
  }

  /**
   * The running workflow's answer within QUERY_TIMEOUT_MS, or undefined (logged) when it has none
   * to give: no answer in time, past retention, Temporal unreachable, a failed read (and for a
   * minute after one, without asking). Other failures are thrown.
   */
  async query<V>(kind: CaseKind, id: string, query: QueryDefinition<V, [ReadAt?]>): Promise<V | undefined> {
    const handle = this.temporal.workflow.getHandle(id);
    // The moment of the read: the case computes its clocks for it, not for its last workflow task.
    const read: ReadAt = { at: Date.now() };
    return queryOrFallBack(this.logger, kind, id, (signal) => this.temporal.withAbortSignal(signal, () => handle.query(query, read)), this.config.QUERY_TIMEOUT_MS, this.failedReads);
  }

  /**
   * A case as GET shows it: the last record marked `ended` when its workflow stopped abnormally,
   * else the running workflow's answer (its clocks current to the second), else — a closed or slow
   * workflow — the read model's last record (`recorded`). 404 when neither knows it.
   */
  async read<V extends object>(kind: CaseKind, id: string, query: QueryDefinition<V, [ReadAt?]>, recorded: () => Promise<V | undefined>): Promise<{ view: V | EndedView<V>; source: ReadSource }> {
    const spec = CASE_KINDS[kind];
    this.assertId(kind, id);
    const ended = await endedCaseView<V>(this.temporal, id, spec.statusField as keyof V & string, recorded);
    if (ended) return { view: ended, source: 'read-model' };
    const live = await this.query(kind, id, query);
    if (live) return { view: live, source: 'workflow' };
    const view = await recorded();
    if (!view) throw Problem.notFound(spec.noun, id);
    return { view, source: 'read-model' };
  }
}
