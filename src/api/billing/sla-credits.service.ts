import { Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { slaCreditSweepWorkflow } from '../../workflows';
import type { SlaCreditSweep } from '../../workflows/billing/sla-credit-messages';
import { Problem } from '../problem/problem';
import { withTimeout } from '../temporal/with-timeout';
import { OwedSlaCredit, toOwedSlaCredit } from '../../persistence/sla-credit-rows';
import { SlaCreditReads } from '../../persistence/read/sla-credit-reads';
import { ReadModelSealer } from '../../persistence/read-model-sealer';

/** How long POST …/settle waits for the run before answering 202 with the run's ID. */
const SETTLE_WAIT_MS = 25_000;

export interface SlaCreditItem extends OwedSlaCredit {
  settled: boolean;
  settlementKind: string | null;
  settlementFailure: string | null;
}

/** SLA credits owed to Enterprise customers and their settlement through the gateway. */
@Injectable()
export class SlaCreditsService {
  constructor(
    private readonly temporal: Client,
    private readonly config: AppConfig,
    private readonly credits: SlaCreditReads,
    private readonly sealer: ReadModelSealer,
  ) {}

  async list(q: { settled?: string; brand?: string; customerRef?: string; limit?: string }): Promise<{ items: SlaCreditItem[] }> {
    if (q.settled !== undefined && q.settled !== 'true' && q.settled !== 'false') throw Problem.validation([{ field: 'query:settled', message: 'true or false' }]);
    // Plain digits only: Number() would also read "0x10" or "1e2".
    const limit = q.limit === undefined ? 100 : /^\d{1,15}$/.test(q.limit) ? Number(q.limit) : NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw Problem.validation([{ field: 'query:limit', message: 'a whole number 1–500' }]);
    // Opened: each credit answers with its customer's real reference (sealed under the ticket's key).
    const rows = await this.sealer.open(
      await this.credits.list({
        settled: q.settled === undefined ? undefined : q.settled === 'true',
        brand: q.brand || undefined,
        customerRefs: q.customerRef ? this.sealer.refMatches(q.customerRef) : undefined,
        limit,
      }),
    );
    return {
      items: rows.map((r) => ({ ...toOwedSlaCredit(r), settled: r.settled_at !== null, settlementKind: r.settlement_kind, settlementFailure: r.settlement_failure })),
    };
  }

  /** Starts a settlement run; answers with its outcome, or with its ID when it takes longer. */
  async settle(input: { breachedBefore?: string; keys?: string[] }): Promise<{ done: true; sweep: SlaCreditSweep; workflowId: string } | { done: false; workflowId: string }> {
    const workflowId = `sla-credit-sweep-api-${randomUUID()}`;
    const handle = await this.temporal.workflow.start(slaCreditSweepWorkflow, {
      workflowId,
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      staticSummary: 'SLA credit settlement run (requested over the API)',
      args: [{ breachedBefore: input.breachedBefore, keys: input.keys }],
    });
    const sweep = await withTimeout(handle.result(), SETTLE_WAIT_MS);
    return sweep ? { done: true, sweep, workflowId } : { done: false, workflowId };
  }
}
