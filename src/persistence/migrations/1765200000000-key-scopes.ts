import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Need-to-know scopes on keys (issue 12). An account is a customer organisation of one brand: its
 * client keys see its tickets only. An agent key may belong to a brand: it sees that brand's
 * cases only (no brand: every brand's, as keys made before this did). A ticket remembers the
 * account it was opened for (NULL: opened by an agent for no account, or before this existed).
 * Keys of the `privacy` role become storable.
 */
export class KeyScopes1765200000000 implements MigrationInterface {
  name = 'KeyScopes1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
        brand text,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The data-protection officer's role (api-key.entity.ts ROLES) becomes storable.
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check`);
    await q.query(`ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('client','agent','sre','legal','admin','billing','privacy'))`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN account_id text REFERENCES accounts(id)`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN brand text`);
    await q.query(`ALTER TABLE tickets ADD COLUMN account_id text`);
    await q.query(`CREATE INDEX tickets_account_opened ON tickets (account_id, opened_at DESC, id DESC) WHERE account_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX tickets_account_opened`);
    await q.query(`ALTER TABLE tickets DROP COLUMN account_id`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN brand`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN account_id`);
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check`);
    await q.query(`ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('client','agent','sre','legal','admin','billing'))`);
    await q.query(`DROP TABLE accounts`);
  }
}
