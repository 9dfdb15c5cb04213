import { ApiKeyService, KeyScopeError } from '../src/api/auth/api-key.service';
import { loadConfigOrExit } from '../src/config/load-config';
import { ROLES, Role } from '../src/persistence/entities/api-key.entity';
import { createDataSource } from '../src/persistence/data-source';

/**
 * `make key ROLE=agent NAME=ann` — creates an API key and prints it once. Only its hash is
 * stored, so a lost key cannot be recovered: create a new one. Scopes: `ROLE=client
 * ACCOUNT=acme BRAND=uoozee` (the account is created on first use with that brand; a client key
 * without an account sees no tickets), `ROLE=agent BRAND=uoozee` (that brand's cases only;
 * without BRAND every brand's).
 */
async function main(): Promise<void> {
  const [role, name] = [process.env.ROLE ?? process.argv[2], process.env.NAME ?? process.argv[3]];
  if (!role || !(ROLES as readonly string[]).includes(role)) {
    fail(`ROLE must be one of: ${ROLES.join(', ')} (got ${role ?? 'nothing'})`);
  }
  if (!name || !/^[\w.@-]{1,64}$/.test(name)) fail('NAME must be 1–64 letters, digits, _ . @ or -');
  const config = loadConfigOrExit();
  const ds = await createDataSource(config.DATABASE_URL).initialize();
  try {
    const scope = { account: process.env.ACCOUNT || undefined, brand: process.env.BRAND || undefined, accountName: process.env.ACCOUNT_NAME || undefined };
    const { key, id } = await ApiKeyService.create(ds, name, role as Role, scope).catch((err: unknown) => {
      if (err instanceof KeyScopeError) fail(`${err.field.toUpperCase()}: ${err.message}`);
      throw err;
    });
    const scoped = [scope.account && `account ${scope.account}`, scope.brand && `brand ${scope.brand}`].filter(Boolean).join(', ');
    process.stderr.write(`created ${role} key "${name}"${scoped ? ` (${scoped})` : ''} (id ${id}); it is shown once, store it now:\n`);
    if (role === 'client' && !scope.account) process.stderr.write('note: a client key without ACCOUNT sees no tickets\n');
    process.stdout.write(`${key}\n`);
  } finally {
    await ds.destroy();
  }
}

function fail(message: string): never {
  process.stderr.write(`${message}\nusage: make key ROLE=<role> NAME=<name> [ACCOUNT=<account> [ACCOUNT_NAME=<name>]] [BRAND=<brand>]\n`);
  process.exit(2);
}

main().catch((err: unknown) => {
  process.stderr.write(`could not create key: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
