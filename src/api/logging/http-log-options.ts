import type { Options } from 'pino-http';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppConfig } from '../../config/config.schema';
import { requestTarget } from './request-log';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The probes' routes (src/api/health): polled every few seconds by the orchestrator and `make dev`. */
const HEALTH_CHECK_PATHS = new Set(['/health/live', '/health/ready']);

export function isHealthCheck(url: string | undefined): boolean {
  return url !== undefined && HEALTH_CHECK_PATHS.has(requestTarget(url).path);
}

/**
 * The HTTP request log: one line per request, with its ID, path, query parameter names and status.
 * A health check that succeeded is not logged (a line every few seconds per probe drowns the rest);
 * a failing one is, so the log says when and why the API went unready.
 */
export function httpLogOptions(config: Pick<AppConfig, 'LOG_LEVEL'>): Options {
  return {
    level: config.LOG_LEVEL,
    // Honour the caller's X-Request-Id so one ID follows a request across systems.
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (req, res, err) => (isHealthCheck(req.url) && !err && res.statusCode < 400 ? 'silent' : 'info'),
    redact: ['req.headers.authorization', 'req.headers["authorization-extras"]', 'req.headers.cookie', 'req.headers["idempotency-key"]'],
    serializers: {
      // Path, query parameter names and status only: bodies carry customer text, query
      // values customer references and, from careless clients, keys (`?api_key=…`).
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, ...requestTarget(req.url) }),
    },
  };
}
