import { DataSource } from 'typeorm';
import { loadConfigOrExit } from '../src/config/load-config';

/**
 * The built-in CRM's demo customers for `make dev` (CRM_PROVIDER=built-in): one per plan, so the
 * README's walk-through shows a verified plan, a corrected claim and an unknown customer. Existing
 * rows are left as they are (an edited row survives a restart).
 */
const DEMO_CUSTOMERS = [
  { ref: 'cust_4711', brand: 'uoozee', plan: null, tier: 'standard', region: 'us-east', contract: null, enterprise: false, company: null, csm: null },
  { ref: 'cust_v100', brand: 'vivtone', plan: 'enterprise', tier: 'strategic', region: 'eu-west', contract: 'C-2026-0042', enterprise: true, company: 'Northwind Analytics', csm: 'csm-ava' },
  { ref: 'cust_v200', brand: 'vivtone', plan: 'pro', tier: 'growth', region: 'us-east', contract: null, enterprise: false, company: 'Contoso Labs', csm: 'csm-ben' },
  { ref: 'cust_v300', brand: 'vivtone', plan: 'basic', tier: 'self-serve', region: 'us-west', contract: null, enterprise: false, company: 'Fabrikam Studio', csm: null },
] as const;

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (config.CRM_PROVIDER !== 'built-in') return;
  const ds = await new DataSource({ type: 'postgres', url: config.DATABASE_URL }).initialize();
  try {
    for (const c of DEMO_CUSTOMERS) {
      await ds.query(
        `INSERT INTO customers (customer_ref, brand, plan, tier, region, contract, enterprise, company, csm_owner_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (customer_ref) DO NOTHING`,
        [c.ref, c.brand, c.plan, c.tier, c.region, c.contract, c.enterprise, c.company, c.csm],
      );
    }
    process.stdout.write(`built-in CRM: ${DEMO_CUSTOMERS.length} demo customers (${DEMO_CUSTOMERS.map((c) => c.ref).join(', ')})\n`);
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`seeding customers failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
