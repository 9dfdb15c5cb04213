import { isPlacedWorkflowType, mayReadWorkflowPayload, redactForRole } from '../../src/domain/redaction-by-role';
import * as workflows from '../../src/workflows';

describe('need to know for decoded payloads', () => {
  it('puts every workflow the worker runs in a case area (a new workflow must be placed on purpose)', () => {
    const unplaced = Object.keys(workflows).filter((type) => !isPlacedWorkflowType(type));
    expect(unplaced).toEqual([]);
  });

  it.each([
    ['sre', 'incidentWorkflow', true],
    ['sre', 'alertGroupWorkflow', true],
    ['sre', 'ticketWorkflow', false],
    ['sre', 'takedownWorkflow', false],
    ['legal', 'takedownWorkflow', true],
    ['legal', 'preservationWorkflow', true],
    ['legal', 'ticketWorkflow', false],
    ['agent', 'ticketWorkflow', true],
    ['agent', 'refundWorkflow', true],
    ['agent', 'dunningWorkflow', true],
    ['agent', 'incidentWorkflow', false],
    ['admin', 'incidentWorkflow', true],
    ['admin', 'endedCasesSweepWorkflow', true],
    ['admin', 'takedownWorkflow', false],
    ['admin', 'preservationWorkflow', false],
    ['admin', 'someFutureWorkflow', true],
    ['sre', 'someFutureWorkflow', false],
    ['client', 'ticketWorkflow', false],
    ['billing', 'refundWorkflow', false],
    ['privacy', 'ticketWorkflow', false],
  ])('%s may read a %s payload: %s', (role, type, expected) => {
    expect(mayReadWorkflowPayload(role, type)).toBe(expected);
  });

  const takedownInput = {
    caseId: 'takedown-1',
    notice: {
      notifier: { name: 'Jane Roe', email: 'jane@studio.example', organisation: 'Studio', role: 'attorney' },
      items: [{ contentId: 'vid_1' }],
      statements: { signature: '/Jane Roe/', goodFaith: true },
      explanation: 'Full episode',
    },
  };

  it('hides a takedown notifier from every role but legal, wherever the notice sits', () => {
    for (const role of ['sre', 'agent', 'admin']) {
      const { value, hidden } = redactForRole({ args: [takedownInput] }, { role, caseReadable: true });
      expect(value.args[0].notice.notifier).toEqual({ name: '[redacted: legal]', email: '[redacted: legal]', organisation: 'Studio', role: 'attorney' });
      expect(value.args[0].notice.statements.signature).toBe('[redacted: legal]');
      expect(value.args[0].notice.explanation).toBe('Full episode');
      expect(hidden).toEqual(['args.0.notice.notifier.name', 'args.0.notice.notifier.email', 'args.0.notice.statements.signature']);
    }
    expect(redactForRole(takedownInput, { role: 'legal', caseReadable: true })).toEqual({ value: takedownInput, hidden: [] });
  });

  it('hides ticket customer fields of untagged payloads from roles that do not read tickets', () => {
    const ticket = { ticketId: 't-1', subject: 'Playback', description: 'mail me at kim@example.com', customerRef: 'cust_1', socialPost: null };
    expect(redactForRole(ticket, { role: 'sre', caseReadable: false }).value).toEqual({ ...ticket, description: '[redacted: agent]', customerRef: '[redacted: agent]' });
    expect(redactForRole(ticket, { role: 'legal', caseReadable: false }).hidden).toEqual(['description', 'customerRef']);
    expect(redactForRole(ticket, { role: 'agent', caseReadable: false }).hidden).toEqual([]);
    // A payload of a case kind the role reads (a refund for an agent, an incident for an SRE): its own fields are shown.
    expect(redactForRole(ticket, { role: 'sre', caseReadable: true }).hidden).toEqual([]);
  });

  it('does not touch a field that only shares a name outside its parent (a product name is not a notifier name)', () => {
    const value = { product: { name: 'Uoozee Premium' }, name: 'x' };
    expect(redactForRole(value, { role: 'sre', caseReadable: false }).value).toEqual(value);
  });
});
