import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import type { LookupOutcome } from '../../domain/customer/entitlement';
import { customerLookupFrom } from '../../integrations/crm/crm-from-config';
import { CrmRefusedError, CustomerLookup, CustomerProfile } from '../../integrations/crm/crm-port';

export type DirectoryAnswer = (LookupOutcome & { outcome: 'found'; profile: CustomerProfile }) | Exclude<LookupOutcome, { outcome: 'found' }>;

/**
 * The API's view of the CRM: a lookup that answers within CRM_LOOKUP_BUDGET_MS, whatever the CRM
 * does. A CRM that is down, slow or refusing us is "unavailable" (the caller decides what that
 * means); it never fails the request that asked.
 */
@Injectable()
export class CustomerDirectory {
  private readonly logger = new Logger(CustomerDirectory.name);
  private readonly crm: CustomerLookup;

  constructor(
    private readonly config: AppConfig,
    dataSource: DataSource,
  ) {
    this.crm = customerLookupFrom(config, dataSource);
  }

  get source(): string {
    return this.crm.name;
  }

  async lookup(customerRef: string): Promise<DirectoryAnswer> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<DirectoryAnswer>((resolve) => {
      timer = setTimeout(() => {
        abort.abort();
        resolve({ outcome: 'unavailable', reason: `the CRM did not answer within ${this.config.CRM_LOOKUP_BUDGET_MS} ms` });
      }, this.config.CRM_LOOKUP_BUDGET_MS);
    });
    const asked = this.crm.lookupCustomer(customerRef, abort.signal).then(
      (profile): DirectoryAnswer => (profile ? { outcome: 'found', profile } : { outcome: 'unknown' }),
      (err: unknown): DirectoryAnswer => {
        // A refusal (bad token, missing scope) is an operator's problem: logged loudly, and the ticket still opens.
        const reason = err instanceof CrmRefusedError ? `the CRM refused the lookup (HTTP ${err.status})` : 'the CRM could not be reached';
        this.logger.warn({ crm: this.crm.name, err: err instanceof Error ? err.message : String(err) }, reason);
        return { outcome: 'unavailable', reason };
      },
    );
    try {
      return await Promise.race([asked, budget]);
    } finally {
      clearTimeout(timer);
    }
  }
}
