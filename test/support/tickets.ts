import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { PolicyRegistry } from '../../src/config/policy-registry';
import type { Channel } from '../../src/domain/policy/policy.schema';
import { pinTicketPolicy, TicketPolicy } from '../../src/domain/policy/ticket-policy';
import { TicketEventRow, TicketRow } from '../../src/persistence/entities';
import type { TicketInput } from '../../src/workflows/ticket/messages';
import { testSealer } from './sealed-rows';

const fixtures = PolicyRegistry.fromDirectory(resolve(__dirname, '..', 'fixtures', 'policies'));

/** The test policy (windows of seconds) for a brand, pinned as the API would pin it. */
export function testPolicy(brand = 'uoozee', channel: Channel = 'email', plan: string | null = null): TicketPolicy {
  return pinTicketPolicy(fixtures.find(brand)!, channel, plan);
}

/** A ticket input with one metric's target overridden, for tests that need an exact window. */
export function ticketInput(overrides: Partial<TicketInput> = {}, targets: Partial<Record<'firstResponse' | 'resolution' | 'nextResponse' | 'mitigation' | 'queueWait', number>> = {}): TicketInput {
  const ticketId = overrides.ticketId ?? `ticket-${randomUUID().replace(/-/g, '').slice(0, 26)}`;
  const priority = overrides.priority ?? 'P2';
  const policy = overrides.policy ?? testPolicy(overrides.brand ?? 'uoozee', overrides.channel ?? 'email', overrides.plan ?? null);
  const pinned: TicketPolicy = {
    ...policy,
    priorities: { ...policy.priorities, [priority]: { ...policy.priorities[priority], targets: { ...policy.priorities[priority].targets, ...targets } } },
  };
  return {
    ticketId,
    brand: 'uoozee',
    channel: 'email',
    priority,
    plan: null,
    subject: 'Playback stops',
    description: 'Customer text that must never appear in plaintext history',
    customerRef: 'cust_4711',
    socialPost: null,
    requestHash: 'hash-1',
    openedBy: 'test',
    ...overrides,
    policy: pinned,
  };
}

/** The ticket's events as the API would read them: their data opened (it is sealed under the ticket's key). */
export async function ticketEvents(ds: DataSource, ticketId: string): Promise<TicketEventRow[]> {
  return testSealer().open(await ds.getRepository(TicketEventRow).find({ where: { ticketId }, order: { id: 'ASC' } }));
}

/** The ticket's row with its snapshot opened; `customerRef` stays the column's pseudonym. */
export async function ticketRow(ds: DataSource, ticketId: string): Promise<TicketRow | null> {
  return testSealer().open(await ds.getRepository(TicketRow).findOne({ where: { id: ticketId } }));
}
