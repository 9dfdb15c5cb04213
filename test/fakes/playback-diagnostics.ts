import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PlaybackCheck, PlaybackContext, PlaybackEvidence } from '../../src/domain/playback/checklist';
import { PlaybackDiagnosticsClient } from '../../src/integrations/playback/playback-diagnostics.client';

/**
 * The streaming platform's diagnostics service as the checklist reads it: one GET per check,
 * answered from what the test put in, 404 for sessions it does not know, and a count of every
 * request so a test can see retries.
 */
export interface PlaybackDiagnosticsFake {
  url: string;
  token: string;
  /** Evidence served for one user/session/device; a check left out answers 404. */
  serve(ctx: PlaybackContext, evidence: Partial<PlaybackEvidence>): void;
  /** Requests per check path, failures included. */
  requests: Map<string, number>;
  /** Answer the next n requests for this check with `status`. */
  failNext(check: PlaybackCheck, n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startPlaybackDiagnosticsFake(): Promise<PlaybackDiagnosticsFake> {
  const token = 'diag-test-token';
  const routes = new Map<string, unknown>();
  const requests = new Map<string, number>();
  const failures = new Map<PlaybackCheck, { n: number; status: number }>();
  const checkOf = (path: string): PlaybackCheck | undefined => /\/(entitlement|client|network|drm|diagnostics)$/.exec(path)?.[1] as PlaybackCheck | undefined;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const key = `${url.pathname}${url.search}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    if (req.method !== 'GET' || req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(req.method !== 'GET' ? 405 : 401).end();
      return;
    }
    const check = checkOf(url.pathname);
    const failure = check && failures.get(check);
    if (failure && failure.n > 0) {
      failure.n--;
      res.writeHead(failure.status, { 'content-type': 'application/json' }).end('{"error":"injected"}');
      return;
    }
    const body = routes.get(key);
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    serve(ctx, evidence) {
      for (const [check, body] of Object.entries(evidence)) routes.set(PlaybackDiagnosticsClient.path(check as PlaybackCheck, ctx), body);
    },
    failNext(check, n, status = 503) {
      failures.set(check, { n, status });
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
