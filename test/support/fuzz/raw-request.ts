import { Agent, request } from 'node:http';

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  body: unknown;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * One HTTP request with exactly the bytes given (fetch would re-encode bodies and refuse some
 * paths). A server that answers before reading the whole body (a 413) may reset the socket while
 * we still write: the answer, once it has come, is what counts.
 */
export function rawRequest(
  baseUrl: string,
  { method, path, headers, body, timeoutMs = 10_000 }: { method: string; path: string; headers: Record<string, string>; body?: string | Buffer; timeoutMs?: number },
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return new Promise((resolve, reject) => {
    let settled = false;
    let responded = false;
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent,
        headers: { ...headers, ...(payload ? { 'content-length': String(payload.length) } : {}) },
      },
      (res) => {
        responded = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => !settled && ((settled = true), reject(err)));
        res.on('end', () => {
          settled = true;
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON: keep the text */
          }
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text, body: parsed });
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => {
      // EPIPE / ECONNRESET while writing a body the server already refused: its answer stands.
      if (!settled && !responded) {
        settled = true;
        reject(err);
      }
    });
    if (payload) req.write(payload, () => undefined);
    req.end();
  });
}

export function closeRawAgent(): void {
  agent.destroy();
}
