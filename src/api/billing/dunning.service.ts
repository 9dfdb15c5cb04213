import { Injectable } from '@nestjs/common';
import { UpdateDefinition } from '@temporalio/client';
import { BillingReads } from '../../persistence/read/billing-reads';
import { ReadModelSealer } from '../../persistence/read-model-sealer';
import { applyRetentionOfferUpdate, cancelSubscriptionNowUpdate, confirmDunningIdentityUpdate, dunningStatusQuery, DunningView } from '../../workflows/billing/messages';
import type { Principal } from '../auth/principal';
import { CaseClient } from '../cases/case-client';
import { assertBillingScope, scopedView } from './billing-scope';

/** Failed renewals as agents work them: read, confirm identity, then change the account. */
@Injectable()
export class DunningService {
  constructor(
    private readonly cases: CaseClient,
    private readonly billing: BillingReads,
    private readonly sealer: ReadModelSealer,
  ) {}

  /** A dunning case the caller may see (an agent of one brand: that brand's). */
  async get(id: string, caller: Principal): Promise<DunningView> {
    return scopedView(caller, 'dunning', id, await this.view(id));
  }

  /** Terminated, timed out or failed: the last record, marked ended; else the workflow, else the read model. */
  private async view(id: string): Promise<DunningView> {
    return (await this.cases.read('dunning', id, dunningStatusQuery, () => this.recordedView(id))).view;
  }

  /** The case's last recorded view, its personal data opened (stored sealed under the case's key). */
  private async recordedView(id: string): Promise<DunningView | undefined> {
    const snapshot = await this.billing.snapshot<DunningView>('dunning', id);
    return snapshot ? this.sealer.open(snapshot) : undefined;
  }

  confirmIdentity = (id: string, method: string, caller: Principal) => this.update(id, caller, confirmDunningIdentityUpdate, [{ actor: caller.name, method }]);
  cancelNow = (id: string, reason: string, caller: Principal) => this.update(id, caller, cancelSubscriptionNowUpdate, [{ actor: caller.name, reason }]);
  applyOffer = (id: string, offer: string, caller: Principal) => this.update(id, caller, applyRetentionOfferUpdate, [{ actor: caller.name, offer }]);

  /** A case that has ended (recovered, exhausted, cancelled, failed) answers its state, not a 404 or a 500. */
  private async update<A>(id: string, caller: Principal, update: UpdateDefinition<DunningView, [A]>, args: [A]): Promise<DunningView> {
    this.cases.assertId('dunning', id);
    await assertBillingScope(this.billing, caller, 'dunning', id, () => this.view(id));
    return this.cases.update('dunning', id, update, args, { recordedState: () => this.billing.state('dunning', id) });
  }
}
