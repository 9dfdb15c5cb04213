import type { Payload } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import type { Caller, CallerSource } from '../../src/temporal/actor-binding';

/** Who the test harness vouches for when a payload names no actor (a system action, e.g. ticket intake). */
export const TEST_SYSTEM_CALLER: Caller = { name: 'system:test-harness', role: 'system' };

/**
 * The tests are "the service": a test client binds whatever `actor` the payload itself claims,
 * so specs drive workflows with any actor they like (as the API would for its authenticated
 * caller). A string actor is bound as that name (role `test`); `{id, role}` as that id and role;
 * no actor as TEST_SYSTEM_CALLER. Only test/support/harness.ts temporalClient() uses it; the
 * forged-actor specs use clients without it.
 */
export const trustedTestSigner: CallerSource = (payload: Payload) => {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  if (!encoding || Buffer.from(encoding).toString() !== 'json/plain' || !payload.data) return TEST_SYSTEM_CALLER;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload.data).toString('utf8'));
  } catch {
    return TEST_SYSTEM_CALLER;
  }
  const actor = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { actor?: unknown }).actor : undefined;
  if (typeof actor === 'string') return { name: actor, role: 'test' };
  if (typeof actor === 'object' && actor !== null) {
    const { id, role } = actor as { id?: unknown; role?: unknown };
    if (typeof id === 'string' && typeof role === 'string') return { name: id, role };
  }
  return TEST_SYSTEM_CALLER;
};
