import { bodyFieldNames, queryFieldNames } from '../../src/api/access-log/field-names';
import { routeAccess } from '../../src/api/access-log/logged-routes';

describe('which API calls are logged as accesses to case data, and under what name', () => {
  it.each([
    ['GET', '/v1/tickets/:id', { operation: 'tickets.read', caseKind: 'ticket', caseParam: 'id' }],
    ['POST', '/v1/tickets/:id/reply', { operation: 'tickets.reply', caseKind: 'ticket', caseParam: 'id' }],
    ['GET', '/v1/tickets', { operation: 'tickets.list', caseKind: 'ticket', caseParam: null }],
    ['POST', '/v1/tickets', { operation: 'tickets.open', caseKind: 'ticket', caseParam: null }],
    ['GET', '/v1/incidents/:id/events', { operation: 'incidents.events', caseKind: 'incident', caseParam: 'id' }],
    ['POST', '/v1/takedowns/:id/preservations/:holdId/extend', { operation: 'takedowns.preservations.extend', caseKind: 'takedown', caseParam: 'id' }],
    ['GET', '/v1/refunds/:id', { operation: 'refunds.read', caseKind: 'refund', caseParam: 'id' }],
    ['POST', '/v1/disputes/:id/evidence', { operation: 'disputes.evidence', caseKind: 'dispute', caseParam: 'id' }],
    ['GET', '/v1/dunning/:id', { operation: 'dunning.read', caseKind: 'dunning', caseParam: 'id' }],
    ['GET', '/v1/reports/transparency', { operation: 'reports.transparency', caseKind: 'takedown', caseParam: null }],
    ['POST', '/v1/billing/sla-credits/settle', { operation: 'billing.sla-credits.settle', caseKind: null, caseParam: null }],
    ['POST', '/v1/alerts', { operation: 'alerts.ingest', caseKind: 'incident', caseParam: null }],
    ['GET', '/v1/access-log', { operation: 'accessLog.list', caseKind: null, caseParam: null }],
    // A route nobody thought of is logged, not skipped.
    ['GET', '/v1/something-new/:id', { operation: 'something-new.read', caseKind: null, caseParam: 'id' }],
  ])('%s %s → %o', (method, path, expected) => {
    expect(routeAccess(method, path)).toEqual(expected);
  });

  it.each([
    ['PUT', '/v1/oncall/rotations/:name'],
    ['GET', '/v1/escalation-policies'],
    ['GET', '/v1/status'],
    ['POST', '/v1/webhooks/billing'],
    ['GET', '/v1/privacy/subjects/:ref/export'], // logs itself, once
    ['POST', '/codec/decode'], // logs itself, per case
    ['GET', '/health/ready'],
  ])('%s %s is not logged by the interceptor', (method, path) => {
    expect(routeAccess(method, path)).toBeNull();
  });
});

describe('field names, never values', () => {
  it('names body fields to two levels, arrays once, and leaves out keys that are not identifiers', () => {
    const body = {
      notifier: { name: 'Jane Roe', email: 'jane@studio.example', address: { street: 'Main St 1' } },
      items: [{ url: 'https://x.example' }],
      message: 'hello',
      'jane@studio.example': true,
    };
    const names = bodyFieldNames(body);
    expect(names).toEqual(['notifier', 'notifier.name', 'notifier.email', 'notifier.address', 'items', 'message']);
    expect(JSON.stringify(names)).not.toMatch(/Jane|studio|Main St|hello|x\.example/);
  });

  it('names nothing for a body that is not an object', () => {
    expect(bodyFieldNames(undefined)).toEqual([]);
    expect(bodyFieldNames('text')).toEqual([]);
    expect(bodyFieldNames([{ a: 1 }])).toEqual([]);
  });

  it('names the query parameters a read used', () => {
    expect(queryFieldNames({ status: 'open', customerRef: 'cust_1' })).toEqual(['query.status', 'query.customerRef']);
  });
});
