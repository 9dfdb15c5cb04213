import { z } from 'zod';
import { ACCESS_LOG_MIN_MONTHS, accessLogRetentionProblem } from '../domain/retention/access-log-retention';
import type { RetentionPolicy } from '../domain/retention/retention';
import { isAddressOrCidr } from './ip-address';
import { PolicyRegistry } from './policy-registry';

/**
 * The one environment schema for api and worker. Every variable either has a safe local default
 * (so `make dev` needs no .env) or is required; docker-compose.yml is checked against this schema
 * by test/unit/docker-compose.spec.ts.
 */
const port = z.coerce.number().int().min(1).max(65535);

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: z
    .string()
    .url()
    .refine((u) => /^postgres(ql)?:\/\//.test(u), 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/caseworks'),

  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d+$/, 'must be host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('caseworks'),
  /**
   * `policy`: at start the worker sets the namespace's workflow-execution retention to match the
   * policy packs (the shortest case retention; src/worker/namespace-retention.ts). `unmanaged`: it
   * leaves it alone (a namespace managed elsewhere, e.g. Temporal Cloud or Terraform).
   */
  TEMPORAL_NAMESPACE_RETENTION: z.enum(['policy', 'unmanaged']).default('policy'),
  /**
   * A Temporal server that authorizes callers (`make cluster`, deploy/temporal/config/caseworks.yaml)
   * wants a JWT from the organisation's IdP: this process gets one by client_credentials at
   * OIDC_ISSUER_URL's token endpoint, for the resource TEMPORAL_OIDC_RESOURCE, and renews it before
   * it expires (src/temporal/temporal-credentials.ts). Unset: no token is sent (the dev server).
   */
  TEMPORAL_OIDC_CLIENT_ID: z.string().min(1).optional(),
  TEMPORAL_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The RFC 8707 resource indicator of the Temporal cluster at the IdP. */
  TEMPORAL_OIDC_RESOURCE: z.string().url().default('urn:temporal:cluster'),
  /** TLS to the Temporal frontend (`on` for a server with TLS; Temporal Cloud). */
  TEMPORAL_TLS: z.enum(['on', 'off']).default('off'),
  /**
   * Calendar months the access log (who read or wrote which case) is kept before the daily
   * retention purge deletes it. Unset: the longest retention any policy pack keeps a case (an
   * access entry is the evidence of who saw the case, so it outlives the case data). Set, it may
   * only lengthen that: a shorter value is refused at start (src/domain/retention/access-log-retention.ts).
   */
  ACCESS_LOG_RETENTION_MONTHS: z.coerce.number().int().min(ACCESS_LOG_MIN_MONTHS).max(240).optional(),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  /** Requests per minute per client (API key, or IP when anonymous). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  /** The public takedown form (POST /v1/takedowns without a key): notices per minute per address, on top of the above. */
  TAKEDOWN_INTAKE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(10),
  /**
   * Failed authentications (an unknown, revoked or malformed API key) per client address and
   * minute; past it the address gets 429 + Retry-After, whatever key it sends, until the minute ends.
   */
  AUTH_FAILURE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(20),
  /**
   * Proxies whose X-Forwarded-For is believed (express "trust proxy"), comma-separated addresses
   * or CIDRs, e.g. `10.0.0.0/8,127.0.0.1`. Empty: the client address is the socket's, and
   * X-Forwarded-For is ignored (anyone could send one).
   */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
    .refine((list) => list.every(isAddressOrCidr), 'a comma-separated list of IP addresses or CIDRs (e.g. 10.0.0.0/8,127.0.0.1)'),

  /** Folder of SLA policy packs, one file per brand, validated at boot. */
  POLICY_DIR: z.string().min(1).default('policies'),

  /**
   * Prebuilt workflow bundle (made by `npm run build`). Set in production; unset, the worker
   * bundles src/workflows at start (development).
   */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  /**
   * A read asks the running workflow; past this, it answers from the read model instead (the
   * worker may be busy or replaying), marked Caseworks-Source: read-model. Below
   * STICKY_QUEUE_TIMEOUT_MS (appConfigSchema refuses more).
   */
  QUERY_TIMEOUT_MS: z.coerce.number().int().positive().default(2_000),
  /**
   * The longest the API keeps a client waiting: past it the request is answered 503 + Retry-After
   * (src/api/resilience). Temporal calls made for a request share its deadline, so an unreachable
   * frontend fails inside it; PostgreSQL waits are bounded by the two settings below.
   */
  REQUEST_BUDGET_MS: z.coerce.number().int().min(500).default(5_000),
  /** Waiting for a PostgreSQL connection (a new one, or a free one from the pool) fails after this. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(2_000),
  /**
   * The API's queries fail after this (client-side: a dropped network answers nothing). The
   * worker's pool has none: its activities have their own timeouts.
   */
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  /**
   * While PostgreSQL cannot be reached, an API key verified within this window keeps working from
   * the API's memory (so case actions that need only Temporal keep flowing); a key never verified
   * by this API process gets 503. Revocation still takes effect within 5 s when PostgreSQL answers.
   */
  API_KEY_OUTAGE_GRACE_MS: z.coerce.number().int().nonnegative().default(900_000),
  /**
   * Workflows kept in the worker's memory (the SDK's sticky cache); beyond it the least recently
   * used are evicted and replayed from their history when they next wake (a timer, an update, a
   * query). The worker's memory follows this number, not the number of open cases: each cached
   * case costs ~0.35 MiB of worker RSS (the domain shared, each workflow type loaded on first
   * use; measured: make bench SCENARIO=growth), so 2,000 keeps the worker near 1 GiB however many
   * cases are open. Size it for the cases that wake within a minute or so, not lower: at 1,000,
   * sla-lag's 2,000 tickets breaching within 60 s thrashed the cache (p99 lateness 86 s against
   * 10 s at 2,000, same idle machine, 2026-12-05).
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().positive().default(2_000),
  /**
   * `on`: every full GC of the worker compacts its heap (V8's --compact-on-every-full-gc), so
   * the pages that evicted cases left part-used are given back instead of staying committed
   * (src/worker/heap-compaction.ts). `off`: V8's default.
   */
  WORKER_HEAP_COMPACTION: z.enum(['on', 'off']).default('on'),
  /**
   * How far (in percent) each of the worker's V8 heaps may grow past what its last full GC left
   * live before the next one (V8's --heap-growing-percent; src/worker/heap-growth.ts). A bound
   * lowers the worker's peak RSS for more collections: 20 cost the worker a third more CPU per
   * breach in sla-lag. 0 (the default): V8 picks the factor itself (up to 4×).
   */
  WORKER_HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(300).default(0),
  /**
   * The malloc the worker runs on, chosen by scripts/worker-allocator.sh, which starts it (make dev,
   * make cluster, the image): `auto` jemalloc when libjemalloc2 is installed, else glibc's with a
   * warning; `jemalloc` that or refuse to start; `glibc` node's default. Under glibc's the worker's
   * RSS grows with the cases it has opened by freed memory it keeps (0.9–1.4 KiB per ticket, not
   * levelling off); jemalloc gives it back (src/worker/allocator.ts, docs/scaling.md). The worker
   * logs the one it runs on, and warns when that is not the one asked for.
   */
  WORKER_ALLOCATOR: z.enum(['auto', 'jemalloc', 'glibc']).default('auto'),
  /** How long the worker waits for in-flight activities on SIGTERM before giving up. */
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().nonnegative().default(10_000),
  /**
   * The longest a worker may take to stop, from when it begins (SIGTERM, or the SDK stopping it
   * after an error it cannot recover from); past it the process exits with code 1 so that its
   * supervisor starts a new one (src/worker/stop-deadline.ts). Above WORKER_SHUTDOWN_GRACE_MS.
   */
  WORKER_STOP_DEADLINE_MS: z.coerce.number().int().positive().default(40_000),
  /**
   * What the worker does when a case's workflow task fails on it (src/temporal/stuck-case-watch.ts):
   * `reset` looks at the case's history and, only if it is stuck by the known problem of
   * docs/known-problems.md, resets it to the task that accepted the update (as `make repair-case
   * APPLY=1`); `report` only logs such a case; `off` does neither.
   */
  STUCK_CASE_REPAIR: z.enum(['reset', 'report', 'off']).default('reset'),
  /** How long after a failed workflow task the worker looks at the case (the server records the failure first). */
  STUCK_CASE_CHECK_DELAY_MS: z.coerce.number().int().nonnegative().default(5_000),

  /**
   * The worker's Prometheus endpoint, host:port (GET /metrics): the Temporal SDK's `temporal_*`
   * metrics and Caseworks' own `caseworks_*`. Unset: 127.0.0.1:9464 in development, off otherwise
   * (tests start many workers); `off` turns it off (src/observability/metrics/metrics-settings.ts).
   */
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^([^\s]+:\d+|off)$/, 'must be host:port or off')
    .optional(),
  /** How often the worker reads its schedules' missed runs from the server (caseworks_schedule_missed_runs). */
  SCHEDULE_METRICS_INTERVAL_MS: z.coerce.number().int().min(1_000).default(60_000),
  /**
   * The API's Prometheus endpoint: GET /metrics on this port, bound to API_HOST, apart from the
   * public port (no API key; keep it off the internet). Unset: 9465 in development, off otherwise; `off` turns it off.
   */
  API_METRICS_PORT: z.union([z.literal('off'), port]).optional(),

  /**
   * OpenTelemetry traces (src/observability/tracing): the OTLP/HTTP collector's base URL (e.g.
   * http://127.0.0.1:4318; spans go to <url>/v1/traces). Unset: tracing is off, nothing is exported.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** The service name spans carry; unset, caseworks-api or caseworks-worker by process. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),

  /**
   * Where at-risk warnings and escalations go (a chat/e-mail relay). Unset: they are recorded in
   * PostgreSQL (table notifications) and logged.
   */
  NOTIFY_WEBHOOK_URL: z.string().url().optional(),
  /** Signs notification webhooks (HMAC-SHA256, header Caseworks-Signature). */
  NOTIFY_WEBHOOK_SECRET: z.string().min(16).optional(),
  /**
   * Stripe secret key (sk_live_… / sk_test_…). Unset: the built-in sandbox gateway (a ledger in
   * PostgreSQL, refunds settle after 10 s) serves refunds — never real money.
   */
  STRIPE_API_KEY: z.string().regex(/^(sk|rk)_(test|live)_\w+$/, 'a Stripe secret key (sk_test_…, sk_live_… or a restricted rk_ key)').optional(),
  /** Stripe's API base URL (https://api.stripe.com), or a local server that speaks it. */
  STRIPE_API_BASE: z.string().url().default('https://api.stripe.com'),
  /** Signs the gateway's webhooks (Stripe's whsec_… secret); POST /v1/webhooks/billing refuses all without it. */
  BILLING_WEBHOOK_SECRET: z.string().min(16).optional(),
  /**
   * Where customers' entitlements (plan, tier, region, contract) come from at ticket intake:
   * `built-in` reads the `customers` table (seeded by `make dev`); `hubspot` asks HubSpot's CRM v3
   * API (HUBSPOT_ACCESS_TOKEN required).
   */
  CRM_PROVIDER: z.enum(['built-in', 'hubspot']).default('built-in'),
  /**
   * The API's address as people and the CRM reach it (https://caseworks.example.com): the CRM's
   * copy of each case links back to it, and the CRM's webhook signatures cover it. Unset: links
   * use http://127.0.0.1:3000 and signatures are checked against the address the request came to.
   */
  PUBLIC_API_URL: z.string().url().optional(),
  /** A HubSpot private app's access token (scopes crm.objects.contacts.read, crm.objects.companies.read, tickets). */
  HUBSPOT_ACCESS_TOKEN: z.string().min(8).optional(),
  /** HubSpot's API base URL, or a local server that speaks it. */
  HUBSPOT_API_BASE: z.string().url().default('https://api.hubapi.com'),
  /**
   * The HubSpot app's client secret: it signs the app's webhooks (X-HubSpot-Signature-v3), which
   * POST /v1/webhooks/crm verifies. Unset: that route refuses every delivery (503).
   */
  HUBSPOT_WEBHOOK_SECRET: z.string().min(16).optional(),
  /** The unique contact property holding the customer's reference (a ticket's customerRef). */
  HUBSPOT_CUSTOMER_ID_PROPERTY: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a HubSpot property name').default('caseworks_ref'),
  /**
   * How long POST /v1/tickets waits for the CRM's answer. Past it the ticket opens on the brand's
   * entry plan, marked `entitlement: unverified`, and the worker keeps asking.
   */
  CRM_LOOKUP_BUDGET_MS: z.coerce.number().int().min(50).max(10_000).default(1500),
  /** The CRM's webhook for account updates (refunded, retained, cancelled). Unset: recorded in crm_updates. */
  CRM_WEBHOOK_URL: z.string().url().optional(),
  /**
   * The CRM / issue tracker's webhook that takes backlog items (post-incident corrective actions),
   * POSTed with an Idempotency-Key per item and signed like notifications. Unset: recorded in
   * PostgreSQL (table backlog_items) and logged.
   */
  BACKLOG_WEBHOOK_URL: z.string().url().optional(),
  /**
   * PagerDuty Events API v2 (https://events.pagerduty.com, or any service speaking it). With the
   * routing key set, incident pages go there; unset, the built-in pager records them in
   * PostgreSQL (table pages) and logs them.
   */
  PAGERDUTY_EVENTS_URL: z.string().url().default('https://events.pagerduty.com'),
  /** The integration key of the PagerDuty service (32 characters). Unset: the built-in pager. */
  PAGERDUTY_ROUTING_KEY: z.string().length(32, 'a PagerDuty integration key has 32 characters').optional(),
  /**
   * The legal on-call's PagerDuty service (32 characters), paged at once for a takedown notice
   * reporting a threat to life or safety. Unset: the page is recorded in the case history and
   * logged (the SRE service's key is never used for legal pages).
   */
  PAGERDUTY_LEGAL_ROUTING_KEY: z.string().length(32, 'a PagerDuty integration key has 32 characters').optional(),
  /**
   * The streaming platform's diagnostics service (entitlement, device, CDN session, DRM, player
   * data) that the playback troubleshooting checklist reads. Unset: checks are recorded as
   * "unavailable" and agents run them by hand.
   */
  PLAYBACK_DIAGNOSTICS_URL: z.string().url().optional(),
  /** Bearer token for that service. */
  PLAYBACK_DIAGNOSTICS_TOKEN: z.string().min(1).optional(),

  /**
   * Origins of Temporal UIs allowed to call the codec endpoint (/codec/decode) from the browser,
   * comma-separated.
   */
  CODEC_CORS_ORIGINS: z
    .string()
    .default('http://127.0.0.1:8233,http://localhost:8233')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),

  /**
   * People sign in with the organisation's OpenID provider: the API accepts its JWT access tokens
   * (`Authorization: Bearer <jwt>`, or the sign-in cookie on /codec) besides API keys. The issuer
   * URL exactly as tokens name it in `iss`; its discovery document gives the JWKS. Unset: tokens
   * are not accepted, only API keys. `make dev` runs scripts/dev-idp.mjs and sets it.
   */
  OIDC_ISSUER_URL: z.string().url().optional(),
  /** The `aud` a token must carry to be accepted here (the IdP's name for this API). */
  OIDC_AUDIENCE: z.string().min(1).default('caseworks-api'),
  /** The token claim holding the caller's roles or groups (a string or an array of strings). */
  OIDC_ROLE_CLAIM: z.string().min(1).default('caseworks_roles'),
  /**
   * IdP groups to Caseworks roles, `group=role,...` (e.g. `support-tier1=agent,legal-team=legal`).
   * A claim value that is itself a role name counts as that role. The first value that maps wins.
   */
  OIDC_ROLE_MAP: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
    .refine((pairs) => pairs.every((p) => /^[^=\s]+=(client|agent|sre|legal|admin|billing|privacy)$/.test(p)), 'pairs group=role with a Caseworks role (client, agent, sre, legal, admin, billing, privacy)')
    .transform((pairs) => Object.fromEntries(pairs.map((p) => p.split('=') as [string, string]))),
  /** Allowed clock difference between this host and the IdP when checking exp/nbf, in seconds. */
  OIDC_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  /**
   * The public client (authorization code + PKCE) GET /auth/sign-in uses, registered at the IdP
   * with redirect URI `<API>/auth/callback`. Sign-in sets an HttpOnly cookie the codec endpoint
   * accepts, so the Temporal UI (codec setting "include cross-origin credentials") decodes as you.
   */
  OIDC_CLIENT_ID: z.string().min(1).default('caseworks-ui'),
  /**
   * The audience of the Temporal cluster's tokens (`make cluster`: `temporal`). The codec endpoint
   * accepts those too: the Temporal UI server hands it the signed-in person's access token for
   * the cluster (`passAccessToken`), and decodes only what that person's role may read. Every
   * other route still wants OIDC_AUDIENCE.
   */
  OIDC_TEMPORAL_AUDIENCE: z.string().min(1).optional(),
  /** The RFC 8707 resource indicator sign-in asks tokens for (the IdP's identifier of this API). Unset: none sent. */
  OIDC_RESOURCE: z.string().url().optional(),
  /**
   * The legal desk (/desk, src/api/desk/): a session ends after this many seconds without a
   * request (30 min by default), and after DESK_SESSION_MAX_SECONDS whatever the activity.
   */
  DESK_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(1_800),
  DESK_SESSION_MAX_SECONDS: z.coerce.number().int().min(60).max(604_800).default(43_200),

  /**
   * 32 random bytes, base64: encrypts workflow payloads (ticket text, customer references) so no
   * personal data sits in plaintext in Temporal's history. Required in production; `make dev`
   * generates one under .data/.
   */
  PAYLOAD_ENCRYPTION_KEY: z
    .string()
    .refine((k) => /^[A-Za-z0-9+/]{43}=$/.test(k) && Buffer.from(k, 'base64').length === 32, 'must be 32 bytes, base64-encoded (44 characters)')
    .optional(),
});

/**
 * How long the server holds a case's workflow task, or a query, for the worker that last ran the
 * case before handing it to any worker: the SDK's default, set explicitly by the worker
 * (src/worker/create-worker.ts) because QUERY_TIMEOUT_MS must stay below it. A query still
 * waiting when a crashed worker's hold runs out goes to another worker, which can then leave the
 * case's history unreplayable (withDeadline in src/api/temporal/with-timeout.ts;
 * docs/known-problems.md).
 */
export const STICKY_QUEUE_TIMEOUT_MS = 10_000;

/**
 * Cross-field rules: a query's deadline below the sticky queue timeout; production refuses to run
 * without payload encryption; an access-log retention shorter than the longest case retention in
 * POLICY_DIR's packs is refused.
 */
export const appConfigSchema = configSchema.superRefine((c, ctx) => {
  if (c.QUERY_TIMEOUT_MS >= STICKY_QUEUE_TIMEOUT_MS) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['QUERY_TIMEOUT_MS'],
      message: `must be below ${STICKY_QUEUE_TIMEOUT_MS} (the workers' sticky queue timeout): a query still waiting on a crashed worker then goes to another worker, which can stick the case (docs/known-problems.md)`,
    });
  }
  if (c.WORKER_STOP_DEADLINE_MS <= c.WORKER_SHUTDOWN_GRACE_MS) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['WORKER_STOP_DEADLINE_MS'],
      message: `must be above WORKER_SHUTDOWN_GRACE_MS (${c.WORKER_SHUTDOWN_GRACE_MS}): a graceful stop has that long for its activities, and then must end`,
    });
  }
  if (c.CRM_PROVIDER === 'hubspot' && !c.HUBSPOT_ACCESS_TOKEN) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['HUBSPOT_ACCESS_TOKEN'], message: 'required when CRM_PROVIDER=hubspot' });
  }
  if ((c.TEMPORAL_OIDC_CLIENT_ID === undefined) !== (c.TEMPORAL_OIDC_CLIENT_SECRET === undefined)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['TEMPORAL_OIDC_CLIENT_SECRET'], message: 'TEMPORAL_OIDC_CLIENT_ID and TEMPORAL_OIDC_CLIENT_SECRET go together' });
  }
  if (c.TEMPORAL_OIDC_CLIENT_ID !== undefined && c.OIDC_ISSUER_URL === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['OIDC_ISSUER_URL'], message: 'required with TEMPORAL_OIDC_CLIENT_ID (its token endpoint issues the Temporal token)' });
  }
  if (c.NODE_ENV === 'production' && !c.PAYLOAD_ENCRYPTION_KEY) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['PAYLOAD_ENCRYPTION_KEY'], message: 'required when NODE_ENV=production' });
  }
  const accessLogProblem = c.ACCESS_LOG_RETENTION_MONTHS === undefined ? null : accessLogRetentionProblem(packRetentions(c.POLICY_DIR), c.ACCESS_LOG_RETENTION_MONTHS);
  if (accessLogProblem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ACCESS_LOG_RETENTION_MONTHS'], message: accessLogProblem });
});

/**
 * The packs' retention sections, read only when ACCESS_LOG_RETENTION_MONTHS is set. Unreadable
 * packs give none here: the boot's own pack validation reports them with the file and field.
 */
function packRetentions(dir: string): RetentionPolicy[] {
  try {
    const packs = PolicyRegistry.fromDirectory(dir);
    return packs.brands().map((b) => packs.find(b)!.retention);
  } catch {
    return [];
  }
}

export type AppConfig = z.output<typeof configSchema>;

/** Where the CRM's case copies link back to: PUBLIC_API_URL, or the local API when it is unset (make dev). */
export function publicApiUrl(config: Pick<AppConfig, 'PUBLIC_API_URL' | 'API_PORT'>): string {
  return (config.PUBLIC_API_URL ?? `http://127.0.0.1:${config.API_PORT}`).replace(/\/$/, '');
}
export type ConfigKey = keyof AppConfig;
