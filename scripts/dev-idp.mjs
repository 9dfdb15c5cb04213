// A real OpenID provider (oidc-provider 9) for `make dev` and the tests: people sign in with the
// authorization-code + PKCE flow (oidc-provider's development login and consent pages: any
// password is accepted for the accounts below), scripts use client_credentials. Access tokens are
// JWTs for the Caseworks API (audience `caseworks-api`) carrying the account's roles in
// `caseworks_roles`. Development only: keys and sessions live in memory and change on restart.
//
// ESM on purpose: oidc-provider ships ESM only, which jest cannot import; tests spawn this file.
//
// Env: IDP_PORT (default 3001), IDP_HOST (127.0.0.1), IDP_REDIRECT_URIS
// (comma-separated redirect URIs for the sign-in client; default the API's /auth/callback on any
// loopback port), TEMPORAL_UI_CALLBACK_URLS (the Temporal UI server's callbacks, `make cluster`).
//
// The Temporal cluster (`make cluster`) is a second resource, `urn:temporal:cluster`: its tokens
// carry the audience `temporal` and a `permissions` claim the server's default authorizer reads
// (deploy/temporal/config/caseworks.yaml). People get theirs through the Temporal UI's sign-in
// (client `temporal-ui`); Caseworks' API and worker through client_credentials.
// Prints one line `{"event":"ready","issuer":"http://127.0.0.1:<port>"}` when listening.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const host = process.env.IDP_HOST ?? '127.0.0.1';
const port = Number(process.env.IDP_PORT ?? 3001);
const redirectUris = (process.env.IDP_REDIRECT_URIS ?? 'http://127.0.0.1/auth/callback,http://localhost/auth/callback,http://127.0.0.1/desk/oidc/callback,http://localhost/desk/oidc/callback')
  .split(',')
  .map((u) => u.trim())
  .filter(Boolean);

/** The resource indicator (RFC 8707) of the Caseworks API, and the audience its tokens carry. */
const CASEWORKS_RESOURCE = 'urn:caseworks:api';
const CASEWORKS_AUDIENCE = 'caseworks-api';
/** Another API on the same IdP: its tokens must not open Caseworks (the audience check). */
const OTHER_RESOURCE = 'urn:other:api';
const OTHER_AUDIENCE = 'other-api';

/** Development people. The values are IdP groups or roles, as an organisation's IdP would send them. */
const ACCOUNTS = {
  'ann-agent': { name: 'Ann Agent', roles: ['agent'] },
  // An agent of one brand: `caseworks_brand` scopes her to Uoozee's cases.
  'una-uoozee': { name: 'Una Uoozee', roles: ['agent'], brand: 'uoozee' },
  'sam-sre': { name: 'Sam SRE', roles: ['sre'] },
  'lee-legal': { name: 'Lee Legal', roles: ['legal'] },
  'ada-admin': { name: 'Ada Admin', roles: ['admin'] },
  'pat-privacy': { name: 'Pat Privacy', roles: ['privacy'] },
  'bo-billing': { name: 'Bo Billing', roles: ['billing'] },
  'tess-trainer': { name: 'Tess Trainer', roles: ['trainer'] },
  // A directory group an OIDC_ROLE_MAP can map (`support-tier1=agent`).
  'gus-group': { name: 'Gus Group', roles: ['support-tier1'] },
  // Signed in, but no Caseworks role: the API answers 403.
  'nia-norole': { name: 'Nia No-Role', roles: [] },
};

/** client_credentials clients for scripts and tests; their roles ride in the token like a person's. */
const MACHINE_CLIENTS = {
  'script-agent': ['agent'],
  'script-sre': ['sre'],
  'script-legal': ['legal'],
  'script-admin': ['admin'],
  'script-billing': ['billing'],
  'script-client': ['client'],
  'script-norole': [],
  // Tokens that expire after one second, to see the API refuse an expired token.
  'script-short-lived': ['agent'],
};
const MACHINE_SECRET = 'dev-secret-not-for-production';

/** The Temporal cluster as a resource server (RFC 8707), and the audience its tokens carry. */
const TEMPORAL_RESOURCE = 'urn:temporal:cluster';
const TEMPORAL_AUDIENCE = 'temporal';
/**
 * What each Caseworks role may do in the Temporal cluster (`<namespace>:<read|write|admin>`):
 * the on-call SRE acts on workflows, an admin runs the namespace; everyone else may look.
 */
const TEMPORAL_PERMISSIONS_BY_ROLE = {
  sre: ['default:write'],
  admin: ['default:admin'],
};
/** Caseworks' own processes and the cluster's set-up script, as client_credentials clients. */
const TEMPORAL_SERVICE_CLIENTS = {
  // Starts, signals, updates and queries cases.
  'caseworks-api': ['default:write'],
  // Polls, and keeps the namespace's retention and the schedules (namespace admin).
  'caseworks-worker': ['default:admin'],
  // scripts/cluster.sh: creates the namespace and registers the search attributes.
  'temporal-admin': ['temporal-system:admin', 'default:admin'],
};
const temporalUiCallbacks = (process.env.TEMPORAL_UI_CALLBACK_URLS ?? 'http://127.0.0.1:8233/auth/sso/callback,http://localhost:8233/auth/sso/callback')
  .split(',')
  .map((u) => u.trim())
  .filter(Boolean);

/**
 * Everyone who signs in to the UI also reads at the cluster's level (`temporal-system:read`, which
 * the default claim mapper makes the system role): the UI's first calls, ListNamespaces and
 * GetClusterInfo, are cluster-scoped in the default authorizer (server 1.29.1,
 * common/api/metadata.go), and a 403 on either sends the person back to the login page. It adds
 * reading, never acting: writes stay per namespace.
 */
const TEMPORAL_UI_BASELINE = ['temporal-system:read'];

function temporalPermissions(roles) {
  return [...new Set([...TEMPORAL_UI_BASELINE, ...roles.flatMap((role) => TEMPORAL_PERMISSIONS_BY_ROLE[role] ?? ['default:read'])])];
}

// A signing key made at start (oidc-provider's quick-start key is public): tokens die with the process.
const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: `dev-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' };

const provider = new Provider(`http://${host}:${port}`, {
  clients: [
    {
      // The API's sign-in (GET /auth/sign-in) and the tests' browser-like flow: a public client with PKCE.
      client_id: 'caseworks-ui',
      // Native: an http loopback redirect URI matches on any port (RFC 8252 §7.3), so the API's
      // callback works wherever the API listens (tests pick free ports).
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: redirectUris,
    },
    {
      // The Temporal UI server's sign-in: a confidential web client (it keeps its secret server-side).
      client_id: 'temporal-ui',
      client_secret: MACHINE_SECRET,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: temporalUiCallbacks,
    },
    ...[...Object.keys(MACHINE_CLIENTS), ...Object.keys(TEMPORAL_SERVICE_CLIENTS)].map((clientId) => ({
      client_id: clientId,
      client_secret: MACHINE_SECRET,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    })),
  ],
  async findAccount(_ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, name: account.name, preferred_username: id }) };
  },
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'] },
  scopes: ['openid', 'profile', 'caseworks', 'temporal'],
  // Public clients must use PKCE; the Temporal UI server is confidential and authenticates itself.
  pkce: { required: (_ctx, client) => client.tokenEndpointAuthMethod === 'none' },
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => CASEWORKS_RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo(_ctx, resource, client) {
        // An hour: the sign-in cookie lives as long as the token, so a developer signs in once a session.
        const ttl = client.clientId === 'script-short-lived' ? 1 : 3600;
        if (resource === CASEWORKS_RESOURCE) return { scope: 'caseworks', audience: CASEWORKS_AUDIENCE, accessTokenFormat: 'jwt', accessTokenTTL: ttl };
        if (resource === TEMPORAL_RESOURCE) return { scope: 'temporal', audience: TEMPORAL_AUDIENCE, accessTokenFormat: 'jwt', accessTokenTTL: ttl };
        if (resource === OTHER_RESOURCE) return { scope: 'caseworks', audience: OTHER_AUDIENCE, accessTokenFormat: 'jwt', accessTokenTTL: ttl };
        throw new Provider.errors.InvalidTarget();
      },
    },
  },
  // The role claim: from the account for people, from the table above for machine clients.
  async extraTokenClaims(_ctx, token) {
    if (token.resourceServer?.audience === TEMPORAL_AUDIENCE) {
      if (token.accountId) return { permissions: temporalPermissions(ACCOUNTS[token.accountId]?.roles ?? []), preferred_username: token.accountId, caseworks_roles: ACCOUNTS[token.accountId]?.roles ?? [] };
      return { permissions: TEMPORAL_SERVICE_CLIENTS[token.clientId] ?? [] };
    }
    if (token.accountId) {
      const account = ACCOUNTS[token.accountId];
      return { caseworks_roles: account?.roles ?? [], preferred_username: token.accountId, ...(account?.brand ? { caseworks_brand: account.brand } : {}) };
    }
    if (token.clientId && token.clientId in MACHINE_CLIENTS) return { caseworks_roles: MACHINE_CLIENTS[token.clientId] };
    return undefined;
  },
  ttl: {
    Session: 8 * 3600,
    Grant: 8 * 3600,
    Interaction: 600,
    AuthorizationCode: 60,
    IdToken: 300,
    AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 300,
    ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? 300,
  },
});

const server = provider.listen(port, host, () => {
  process.stdout.write(`${JSON.stringify({ event: 'ready', issuer: provider.issuer })}\n`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections(); // keep-alive clients must not hold the exit
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
