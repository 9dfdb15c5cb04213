import { Injectable } from '@nestjs/common';
import { Client, WorkflowHandle } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { ReadModelSealer } from '../../persistence/read-model-sealer';
import { dunningWorkflow } from '../../workflows';
import { applyRetentionOfferUpdate, cancelSubscriptionNowUpdate, confirmDunningIdentityUpdate, dunningStatusQuery, DunningView } from '../../workflows/billing/messages';
import type { Principal } from '../auth/principal';
import { Problem } from '../problem/problem';
import { endedCaseProblem, endedCaseView, isCaseEnded } from '../temporal/ended-case';
import { withTimeout } from '../temporal/with-timeout';
import { billingProblem } from './billing-problems';
import { assertBillingScope, scopedView } from './billing-scope';

const DUNNING_ID = /^dunning-[A-Za-z0-9_]{1,120}$/;

/** Failed renewals as agents work them: read, confirm identity, then change the account. */
@Injectable()
export class DunningService {
  constructor(
    private readonly temporal: Client,
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly sealer: ReadModelSealer,
  ) {}

  /** A dunning case the caller may see (an agent of one brand: that brand's). */
  async get(id: string, caller: Principal): Promise<DunningView> {
    return scopedView(caller, 'dunning', id, await this.view(id));
  }

  private async view(id: string): Promise<DunningView> {
    if (!DUNNING_ID.test(id)) throw Problem.notFound('dunning case', id);
    // Terminated (the server's limits, an operator), timed out or failed: the last record, marked ended.
    const ended = await endedCaseView<DunningView>(this.temporal, id, 'status', () => this.recordedView(id));
    if (ended) return ended;
    const live = await withTimeout(this.temporal.workflow.getHandle<typeof dunningWorkflow>(id).query(dunningStatusQuery), this.config.QUERY_TIMEOUT_MS).catch(() => undefined);
    if (live) return live;
    const snapshot = await this.recordedView(id);
    if (!snapshot) throw Problem.notFound('dunning case', id);
    return snapshot;
  }

  /** The case's last recorded view, its personal data opened (stored sealed under the case's key). */
  private async recordedView(id: string): Promise<DunningView | undefined> {
    const rows: { snapshot: DunningView }[] = await this.dataSource.query(`SELECT snapshot FROM billing_cases WHERE id = $1 AND kind = 'dunning'`, [id]);
    return rows[0] ? this.sealer.open(rows[0].snapshot) : undefined;
  }

  confirmIdentity = (id: string, method: string, caller: Principal) => this.update(id, caller, (h) => h.executeUpdate(confirmDunningIdentityUpdate, { args: [{ actor: caller.name, method }] }));
  cancelNow = (id: string, reason: string, caller: Principal) => this.update(id, caller, (h) => h.executeUpdate(cancelSubscriptionNowUpdate, { args: [{ actor: caller.name, reason }] }));
  applyOffer = (id: string, offer: string, caller: Principal) => this.update(id, caller, (h) => h.executeUpdate(applyRetentionOfferUpdate, { args: [{ actor: caller.name, offer }] }));

  private async update(id: string, caller: Principal, send: (h: WorkflowHandle<typeof dunningWorkflow>) => Promise<DunningView>): Promise<DunningView> {
    if (!DUNNING_ID.test(id)) throw Problem.notFound('dunning case', id);
    await assertBillingScope(this.dataSource, caller, 'dunning', id, () => this.view(id));
    try {
      return await send(this.temporal.workflow.getHandle<typeof dunningWorkflow>(id));
    } catch (err) {
      // A case that has ended (recovered, exhausted, cancelled, failed): its state, not a 404 or a 500.
      if (isCaseEnded(err)) {
        throw await endedCaseProblem(this.temporal, 'dunning', id, async () => {
          const rows: { state: string }[] = await this.dataSource.query(`SELECT state FROM billing_cases WHERE id = $1 AND kind = 'dunning'`, [id]);
          return rows[0]?.state;
        });
      }
      return billingProblem(err, 'dunning case', id);
    }
  }
}
