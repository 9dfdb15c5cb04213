import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** `make dev`'s terminal view of a process's JSON log (scripts/dev-log-view.sh, fed by scripts/dev.sh). */
const root = resolve(__dirname, '..', '..');
const view = (input: string[], ...args: string[]) => {
  const run = spawnSync('bash', [resolve(root, 'scripts', 'dev-log-view.sh'), ...args], { input: input.join('\n') + '\n', encoding: 'utf8', timeout: 30_000 });
  expect(run.status).toBe(0);
  return run.stdout.split('\n').filter(Boolean);
};

const at = Date.UTC(2026, 11, 4, 9, 30, 15, 250);
const request = JSON.stringify({ level: 30, time: at, pid: 1, hostname: 'h', req: { id: 'r-1', method: 'POST', path: '/v1/tickets' }, res: { statusCode: 201 }, responseTime: 35, msg: 'request completed' });
const event = JSON.stringify({ level: 50, time: at, pid: 1, hostname: 'h', service: 'worker', workflowId: 'ticket-42', msg: 'record refused' });
const boot = JSON.stringify({ level: 30, time: at, pid: 1, hostname: 'h', context: 'RouterExplorer', msg: 'Mapped {/v1/tickets, POST} route' });

describe('the dev log view', () => {
  it('prints one line per entry, prefixed with the process: requests as method, path, status and time', () => {
    const lines = view([request, event, 'CLI 1.5.1 (Server 1.29.1)'], 'api');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\[api\] \[\d\d:\d\d:15\.250\] INFO: POST \/v1\/tickets 201 35ms request completed$/);
    // Other entries keep their fields (case and workflow IDs) on the same line, never pid/hostname.
    expect(lines[1]).toMatch(/^\[api\] \[\d\d:\d\d:15\.250\] ERROR: record refused \{"service":"worker","workflowId":"ticket-42"\}$/);
    expect(lines[2]).toBe('[api] CLI 1.5.1 (Server 1.29.1)');
  });

  it("leaves out Nest's start-up lines", () => {
    expect(view([boot, request], 'api')).toHaveLength(1);
  });

  it('colours when asked (make dev asks when its output is a terminal), and not otherwise', () => {
    const esc = String.fromCharCode(27);
    expect(view([event], 'worker', '--color')[0]).toContain(`${esc}[1m[worker]${esc}[0m`);
    expect(view([event], 'worker', '--color')[0]).toContain(`${esc}[31mERROR`);
    expect(view([event], 'worker')[0]).not.toContain(esc);
  });
});
