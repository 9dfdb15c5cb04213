import { looksLikeJwt, roleFromClaim } from '../../../src/api/auth/oidc-roles';
import { generateApiKey } from '../../../src/api/auth/api-key-format';

describe('roles from an IdP token claim', () => {
  const map = { 'support-tier1': 'agent', 'legal-team': 'legal', 'odd': 'superuser' };

  it('takes the first value that is a role or maps to one', () => {
    expect(roleFromClaim(['sre'], {})).toBe('sre');
    expect(roleFromClaim(['everyone', 'support-tier1', 'legal'], map)).toBe('agent');
    expect(roleFromClaim('legal-team', map)).toBe('legal');
    expect(roleFromClaim('staff sre', map)).toBe('sre'); // space-separated, like a scope string
  });

  it('grants nothing for a missing claim, unknown groups or a map entry naming no role', () => {
    expect(roleFromClaim(undefined, map)).toBeNull();
    expect(roleFromClaim([], map)).toBeNull();
    expect(roleFromClaim(['everyone'], map)).toBeNull();
    expect(roleFromClaim(['odd'], map)).toBeNull();
    expect(roleFromClaim([{ role: 'admin' }], map)).toBeNull();
    expect(roleFromClaim(['__proto__', 'constructor'], map)).toBeNull();
  });

  it('tells a JWT from an API key: keys never have the three dotted segments', () => {
    for (let i = 0; i < 200; i++) expect(looksLikeJwt(generateApiKey())).toBe(false);
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBe(true);
    expect(looksLikeJwt('a.b')).toBe(false);
    expect(looksLikeJwt('a.b.c.d')).toBe(false);
  });
});
