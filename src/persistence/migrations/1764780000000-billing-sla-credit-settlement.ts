import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Settling Enterprise SLA credits through the billing gateway: what settled each credit (a credit
 * note), why the last attempt failed, an index for "what is still owed", and a `billing` role for
 * the people who run settlement.
 */
export class BillingSlaCreditSettlement1764780000000 implements MigrationInterface {
  name = 'BillingSlaCreditSettlement1764780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sla_credits
        ADD COLUMN settlement_kind text,
        ADD COLUMN settlement_failure text,
        ADD COLUMN settlement_failed_at timestamptz`);
    await q.query(`CREATE INDEX sla_credits_unsettled ON sla_credits (breached_at) WHERE settled_at IS NULL`);
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check`);
    await q.query(`ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('client','agent','sre','legal','admin','billing'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check`);
    await q.query(`ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('client','agent','sre','legal','admin'))`);
    await q.query(`DROP INDEX sla_credits_unsettled`);
    await q.query(`ALTER TABLE sla_credits DROP COLUMN settlement_kind, DROP COLUMN settlement_failure, DROP COLUMN settlement_failed_at`);
  }
}
