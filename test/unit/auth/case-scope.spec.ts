import { brandFilterFor, inScope, isScoped } from '../../../src/api/auth/case-scope';
import type { Principal } from '../../../src/api/auth/principal';
import { accessFor, describeAccess, mayCall, ROLE_TABLE } from '../../../src/api/auth/role-table';
import { ROLES } from '../../../src/persistence/entities/api-key.entity';
import { Problem } from '../../../src/api/problem/problem';

const who = (p: Partial<Principal> & Pick<Principal, 'role'>): Principal => ({ keyId: 'k', name: 'n', ...p });

describe('need-to-know scope of a caller', () => {
  it.each([
    ['a client of the account', who({ role: 'client', account: 'acme' }), { brand: 'uoozee', account: 'acme' }, true],
    ['a client of another account', who({ role: 'client', account: 'acme' }), { brand: 'uoozee', account: 'globex' }, false],
    ['a client on a ticket of no account', who({ role: 'client', account: 'acme' }), { brand: 'uoozee', account: null }, false],
    ['a client key without an account', who({ role: 'client' }), { brand: 'uoozee', account: null }, false],
    ['a client key without an account, case without one either', who({ role: 'client' }), { brand: 'uoozee' }, false],
    ['an agent of the brand', who({ role: 'agent', brand: 'uoozee' }), { brand: 'uoozee', account: 'acme' }, true],
    ['an agent of another brand', who({ role: 'agent', brand: 'vivtone' }), { brand: 'uoozee', account: 'acme' }, false],
    ['an agent of every brand', who({ role: 'agent' }), { brand: 'uoozee', account: null }, true],
  ])('%s → %s', (_what, caller, owner, expected) => {
    expect(inScope(caller, owner)).toBe(expected);
  });

  it('needs no ownership lookup for an unscoped caller only', () => {
    expect(isScoped(who({ role: 'agent' }))).toBe(false);
    expect(isScoped(who({ role: 'admin' }))).toBe(false);
    expect(isScoped(who({ role: 'agent', brand: 'uoozee' }))).toBe(true);
    expect(isScoped(who({ role: 'client' }))).toBe(true);
  });

  it("keeps a brand's agent to its brand in reports, naming the parameter when another is asked for", () => {
    expect(brandFilterFor(who({ role: 'agent', brand: 'uoozee' }), undefined)).toBe('uoozee');
    expect(brandFilterFor(who({ role: 'agent', brand: 'uoozee' }), 'uoozee')).toBe('uoozee');
    expect(brandFilterFor(who({ role: 'sre' }), 'vivtone')).toBe('vivtone');
    expect(brandFilterFor(who({ role: 'sre' }), undefined)).toBeUndefined();
    let refused: unknown;
    try {
      brandFilterFor(who({ role: 'agent', brand: 'uoozee' }), 'vivtone');
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(Problem);
    expect((refused as Problem).getStatus()).toBe(422);
    expect((refused as Problem).extensions.errors).toEqual([{ field: 'query:brand', message: expect.stringContaining('uoozee') }]);
  });
});

describe('the role table', () => {
  it('implies no role: admin may call only the rows that name it, and none of legal’s', () => {
    const forAdmin = Object.keys(ROLE_TABLE).filter((op) => mayCall('admin', op as keyof typeof ROLE_TABLE) && accessFor(op as keyof typeof ROLE_TABLE) !== 'public-or-any-key');
    expect(forAdmin.filter((op) => op.startsWith('takedowns.') || op === 'reports.transparency')).toEqual([]);
    expect(forAdmin.filter((op) => op.startsWith('tickets.'))).toEqual(['tickets.repin']);
    for (const role of ROLES) expect(mayCall(role, 'takedowns.read')).toBe(role === 'legal');
    for (const role of ROLES) expect(mayCall(role, 'oncall.rotations.list')).toBe(role === 'sre');
  });

  it('describes each row the way /docs-json prints it', () => {
    expect(describeAccess('tickets.read')).toBe('Roles: agent, client');
    expect(describeAccess('health.live')).toBe('Roles: none (public, no key)');
    expect(describeAccess('takedowns.file')).toMatch(/^Roles: none \(public\)/);
  });
});
