import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { DEV_SERVER_TUNING } from '../../scripts/dev-server';

/**
 * One source of truth for the production topology: `make cluster` (scripts/cluster.sh) and
 * docker-compose.yml run the Temporal server and the UI server from the same template files in
 * deploy/, each filling them from its environment. These checks keep the two in step (there is no
 * Docker engine here to run compose; test/cluster/ runs the cluster itself).
 */
const root = resolve(__dirname, '..', '..');
const read = (file: string) => readFileSync(resolve(root, file), 'utf8');
const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, string>; volumes?: string[] }>;
};
const clusterScript = read('scripts/cluster.sh');

const SERVER_CONFIG = 'deploy/temporal/config/caseworks.yaml';
const DYNAMIC_CONFIG = 'deploy/temporal/dynamicconfig/caseworks.yaml';
const UI_CONFIG = 'deploy/temporal-ui/caseworks.yaml';

/** The variables a template reads (`env "NAME"`). */
function templateVariables(file: string): Set<string> {
  return new Set([...read(file).matchAll(/env "(\w+)"/g)].map((m) => m[1]));
}

function mountTarget(service: string, source: string): string | undefined {
  return (compose.services[service].volumes ?? []).map((v) => v.split(':')).find(([from]) => from === `./${source}`)?.[1];
}

describe('the Temporal deployment files, shared by make cluster and docker-compose.yml', () => {
  it('both start the server from deploy/temporal/config/caseworks.yaml, with the dynamic config beside it', () => {
    expect(read(SERVER_CONFIG).split('\n')[0]).toBe('# enable-template');
    expect(clusterScript).toContain('--config deploy/temporal/config --env caseworks start');
    expect(clusterScript).toContain(`export DYNAMIC_CONFIG_FILE_PATH="$root/${DYNAMIC_CONFIG}"`);
    // The image runs `--env docker` from /etc/temporal with config dir `config`.
    expect(mountTarget('temporal', SERVER_CONFIG)).toBe('/etc/temporal/config/docker.yaml');
    const dynamicTarget = mountTarget('temporal', DYNAMIC_CONFIG);
    expect(dynamicTarget).toBeDefined();
    expect(`/etc/temporal/${compose.services.temporal.environment!.DYNAMIC_CONFIG_FILE_PATH}`).toBe(dynamicTarget);
  });

  it('compose sets only variables the server template reads, and the ones it must', () => {
    const reads = templateVariables(SERVER_CONFIG);
    const set = Object.keys(compose.services.temporal.environment ?? {});
    expect(set.filter((name) => !reads.has(name))).toEqual([]);
    for (const needed of ['POSTGRES_SEEDS', 'POSTGRES_USER', 'POSTGRES_PWD', 'BIND_ON_IP', 'TEMPORAL_JWT_KEY_SOURCE1', 'NUM_HISTORY_SHARDS']) expect(set).toContain(needed);
  });

  it('make cluster sets the server template\'s variables it needs (ports of the second history process, databases, JWKS)', () => {
    for (const name of ['HISTORY_GRPC_PORT', 'HISTORY_MEMBERSHIP_PORT', 'DBNAME', 'VISIBILITY_DBNAME', 'TEMPORAL_JWT_KEY_SOURCE1', 'NUM_HISTORY_SHARDS', 'INTERNAL_FRONTEND_GRPC_PORT']) {
      expect(templateVariables(SERVER_CONFIG).has(name)).toBe(true);
      expect(clusterScript).toContain(name);
    }
  });

  it('both run the UI server from deploy/temporal-ui/caseworks.yaml; compose sets only variables it reads', () => {
    expect(read(UI_CONFIG).split('\n')[0]).toBe('# enable-template');
    expect(clusterScript).toContain('--config deploy/temporal-ui --env caseworks start');
    expect(mountTarget('temporal-ui', UI_CONFIG)).toBe('/home/ui-server/config/docker.yaml');
    const reads = templateVariables(UI_CONFIG);
    expect(Object.keys(compose.services['temporal-ui'].environment ?? {}).filter((name) => !reads.has(name))).toEqual([]);
  });

  it('the UI hands the codec endpoint the signed-in person\'s token, and the API accepts the cluster\'s audience there', () => {
    const ui = parse(read(UI_CONFIG).replace(/\{\{[^}]*\}\}/g, 'x')) as { codec: { passAccessToken: boolean } };
    expect(ui.codec.passAccessToken).toBe(true);
    expect(clusterScript).toMatch(/OIDC_TEMPORAL_AUDIENCE=temporal/);
  });

  it('the development IdP knows every client make cluster uses, and the cluster resource', () => {
    const idp = read('scripts/dev-idp.mjs');
    for (const client of [...clusterScript.matchAll(/TEMPORAL_OIDC_CLIENT_ID=([\w-]+)/g)].map((m) => m[1]).concat('temporal-admin', 'temporal-ui')) {
      expect(idp).toContain(`'${client}'`);
    }
    expect(idp).toContain("'urn:temporal:cluster'");
  });
});

describe('the dev server and the deployed server tuned alike', () => {
  it('every dynamic-config value the dev server gets (make dev, tests, bench) is the deployed one', () => {
    const deployed = parse(read(DYNAMIC_CONFIG)) as Record<string, { value: unknown }[]>;
    const deployedValue = (key: string) => Object.entries(deployed).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1][0].value;
    expect(DEV_SERVER_TUNING.length).toBeGreaterThan(0);
    for (const setting of DEV_SERVER_TUNING) {
      const [key, value] = setting.split('=');
      expect([key, String(deployedValue(key))]).toEqual([key, value]);
    }
  });
});
