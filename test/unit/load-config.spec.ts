import { randomBytes } from 'node:crypto';
import { STICKY_QUEUE_TIMEOUT_MS } from '../../src/config/config.schema';
import { ConfigError, loadConfig } from '../../src/config/load-config';

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw new Error(`expected a ConfigError, got ${String(err)}`);
  }
  throw new Error(`expected loadConfig(${JSON.stringify(env)}) to throw`);
}

const KEY = randomBytes(32).toString('base64');

describe('loadConfig defaults', () => {
  const config = loadConfig({});

  it('gives the documented local defaults', () => {
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/caseworks');
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.API_PORT).toBe(3000);
    expect(config.NODE_ENV).toBe('development');
    expect(config.TEMPORAL_NAMESPACE).toBe('default');
    expect(config.TEMPORAL_TASK_QUEUE).toBe('caseworks');
    expect(config.POLICY_DIR).toBe('policies');
    expect(config.OIDC_ISSUER_URL).toBeUndefined(); // IdP tokens off until an issuer is configured
    expect(config.PAYLOAD_ENCRYPTION_KEY).toBeUndefined();
  });

  it('does not read process.env when given an explicit env', () => {
    const saved = process.env.API_PORT;
    process.env.API_PORT = '4999';
    try {
      expect(loadConfig({}).API_PORT).toBe(3000);
    } finally {
      if (saved === undefined) delete process.env.API_PORT;
      else process.env.API_PORT = saved;
    }
  });

  it('takes values that are set, coercing numbers', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgresql://u:p@db:5432/other',
      TEMPORAL_ADDRESS: 'temporal:7233',
      API_PORT: '8080',
    });
    expect(c.DATABASE_URL).toBe('postgresql://u:p@db:5432/other');
    expect(c.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(c.API_PORT).toBe(8080);
  });

  it('counts an empty string as unset, so the default applies', () => {
    const c = loadConfig({ API_PORT: '', DATABASE_URL: '', TEMPORAL_ADDRESS: '', NODE_ENV: '', PAYLOAD_ENCRYPTION_KEY: '' });
    expect(c.API_PORT).toBe(3000);
    expect(c.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/caseworks');
    expect(c.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(c.NODE_ENV).toBe('development');
    expect(c.PAYLOAD_ENCRYPTION_KEY).toBeUndefined();
  });
});

describe('loadConfig refuses bad variables, naming them', () => {
  it.each([
    ['API_PORT', 'abc'],
    ['API_PORT', '70000'],
    ['API_PORT', '0'],
    ['TEMPORAL_ADDRESS', 'nohostport'],
    ['TEMPORAL_ADDRESS', 'host:port'],
    ['DATABASE_URL', 'mysql://x/y'],
    ['DATABASE_URL', 'not a url'],
    ['NODE_ENV', 'staging'],
  ])('%s=%s', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.name).toBe('ConfigError');
    expect(err.variables).toEqual([name]);
    expect(err.message).toContain(name);
  });

  it('names every bad variable when there are several', () => {
    const err = configError({ API_PORT: 'abc', DATABASE_URL: 'mysql://x/y' });
    expect([...err.variables].sort()).toEqual(['API_PORT', 'DATABASE_URL']);
    expect(err.message).toContain('API_PORT');
    expect(err.message).toContain('DATABASE_URL');
  });
});

describe('QUERY_TIMEOUT_MS', () => {
  it('stays below the sticky queue timeout, or a query outlives a crashed worker and is answered by another (docs/known-problems.md)', () => {
    expect(loadConfig({ QUERY_TIMEOUT_MS: String(STICKY_QUEUE_TIMEOUT_MS - 1) }).QUERY_TIMEOUT_MS).toBe(STICKY_QUEUE_TIMEOUT_MS - 1);
    const err = configError({ QUERY_TIMEOUT_MS: String(STICKY_QUEUE_TIMEOUT_MS) });
    expect(err.variables).toEqual(['QUERY_TIMEOUT_MS']);
    expect(err.message).toContain(`must be below ${STICKY_QUEUE_TIMEOUT_MS}`);
  });
});

describe('WORKER_STOP_DEADLINE_MS', () => {
  it('is above the shutdown grace (a graceful stop has that long for its activities, then must end), 40 s by default', () => {
    expect(loadConfig({}).WORKER_STOP_DEADLINE_MS).toBe(40_000);
    expect(loadConfig({ WORKER_SHUTDOWN_GRACE_MS: '5000', WORKER_STOP_DEADLINE_MS: '5001' }).WORKER_STOP_DEADLINE_MS).toBe(5_001);
    const err = configError({ WORKER_SHUTDOWN_GRACE_MS: '5000', WORKER_STOP_DEADLINE_MS: '5000' });
    expect(err.variables).toEqual(['WORKER_STOP_DEADLINE_MS']);
    expect(err.message).toContain('must be above WORKER_SHUTDOWN_GRACE_MS (5000)');
  });
});

describe('PAYLOAD_ENCRYPTION_KEY', () => {
  it('is required when NODE_ENV=production', () => {
    const err = configError({ NODE_ENV: 'production' });
    expect(err.variables).toEqual(['PAYLOAD_ENCRYPTION_KEY']);
    expect(err.message).toContain('PAYLOAD_ENCRYPTION_KEY');
  });

  it('an empty key in production counts as missing', () => {
    const err = configError({ NODE_ENV: 'production', PAYLOAD_ENCRYPTION_KEY: '' });
    expect(err.variables).toEqual(['PAYLOAD_ENCRYPTION_KEY']);
  });

  it('production starts with a 32-byte base64 key', () => {
    const c = loadConfig({ NODE_ENV: 'production', PAYLOAD_ENCRYPTION_KEY: KEY });
    expect(c.NODE_ENV).toBe('production');
    expect(c.PAYLOAD_ENCRYPTION_KEY).toBe(KEY);
  });

  it('is optional outside production', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).PAYLOAD_ENCRYPTION_KEY).toBeUndefined();
  });

  it.each([
    ['16 bytes', randomBytes(16).toString('base64')],
    ['31 bytes', randomBytes(31).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['32 bytes hex-encoded', randomBytes(32).toString('hex')],
    ['a passphrase', 'correct horse battery staple'],
  ])('refuses a key that is not 32 bytes of base64 (%s), in any environment', (_label, key) => {
    for (const NODE_ENV of ['development', 'production']) {
      const err = configError({ NODE_ENV, PAYLOAD_ENCRYPTION_KEY: key });
      expect(err.variables).toEqual(['PAYLOAD_ENCRYPTION_KEY']);
      expect(err.message).toContain('PAYLOAD_ENCRYPTION_KEY');
    }
  });

  it('reads OIDC_ROLE_MAP as group=role pairs and refuses a pair naming no Caseworks role', () => {
    expect(loadConfig({ OIDC_ROLE_MAP: 'support-tier1=agent, legal-team=legal' }).OIDC_ROLE_MAP).toEqual({ 'support-tier1': 'agent', 'legal-team': 'legal' });
    expect(configError({ OIDC_ROLE_MAP: 'support-tier1=superuser' }).variables).toEqual(['OIDC_ROLE_MAP']);
  });
});
