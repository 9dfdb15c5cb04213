import { scrubJson } from '../../../src/api/privacy/erasure.scrub';

describe('scrubJson', () => {
  it('erases free text and references, keeps figures, timestamps, vocabulary and case IDs', () => {
    const snapshot = {
      id: 'ticket-0123456789abcdef',
      status: 'resolved',
      priority: 'P2',
      customerRef: 'cust-77',
      subject: 'My card was charged twice',
      replies: [{ by: 'customer', text: 'hello, Ann from 12 Main St', at: '2026-01-05T10:00:00.000Z' }],
      sla: { firstResponse: { state: 'met', dueAt: '2026-01-05T12:00:00Z', remainingMs: 0, breached: false } },
      agentReplies: 3,
      notifier: { name: 'Jo Doe', email: 'jo@example.org', role: 'rightsholder' },
    };
    expect(scrubJson(snapshot)).toEqual({
      id: 'ticket-0123456789abcdef',
      status: 'resolved',
      priority: 'P2',
      customerRef: '[erased]',
      subject: '[erased]',
      replies: [{ by: '[erased]', text: '[erased]', at: '2026-01-05T10:00:00.000Z' }],
      sla: { firstResponse: { state: 'met', dueAt: '2026-01-05T12:00:00Z', remainingMs: 0, breached: false } },
      agentReplies: 3,
      notifier: { name: '[erased]', email: '[erased]', role: '[erased]' },
    });
  });

  it('erases a sentence or an address even under a vocabulary key', () => {
    expect(scrubJson({ status: 'waiting for Jo Doe', kind: 'jo@example.org' })).toEqual({ status: '[erased]', kind: '[erased]' });
  });
});
