import type { DataSource } from 'typeorm';
import type { CustomerLookup, CustomerProfile } from './crm-port';

interface CustomerRow {
  customer_ref: string;
  brand: string;
  plan: string | null;
  tier: string | null;
  region: string | null;
  contract: string | null;
  enterprise: boolean;
  company: string | null;
  csm_owner_id: string | null;
}

/**
 * The built-in CRM: the `customers` table (seeded by `make dev`). It answers lookups so a
 * deployment without a CRM still checks plans against a record; a reference not in it is
 * "unknown" and the request's plan stands, as before the lookup existed.
 */
export class TableCrm implements CustomerLookup {
  readonly name = 'built-in';

  constructor(private readonly dataSource: DataSource) {}

  async lookupCustomer(customerRef: string): Promise<CustomerProfile | null> {
    const [row]: CustomerRow[] = await this.dataSource.query(`SELECT * FROM customers WHERE customer_ref = $1`, [customerRef]);
    if (!row) return null;
    return {
      customerRef: row.customer_ref,
      brand: row.brand,
      plan: row.plan,
      tier: row.tier,
      region: row.region,
      contract: row.contract,
      enterprise: row.enterprise,
      company: row.company,
      csmOwnerId: row.csm_owner_id,
      source: this.name,
    };
  }
}
