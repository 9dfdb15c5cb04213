import { requestTarget } from '../../../src/api/logging/request-log';
import { withoutSubjectRef } from '../../../src/api/privacy/subject-path';

describe('the data subject is never in a logged path', () => {
  it('replaces the reference in privacy routes by the route template', () => {
    expect(withoutSubjectRef('/v1/privacy/subjects/cust_4711/erase')).toBe('/v1/privacy/subjects/:customerRef/erase');
    expect(withoutSubjectRef('/v1/privacy/subjects/jo%40example.org/export')).toBe('/v1/privacy/subjects/:customerRef/export');
    expect(withoutSubjectRef('/v1/tickets/ticket-abc')).toBe('/v1/tickets/ticket-abc');
  });

  it('the HTTP log line shows the template', () => {
    expect(requestTarget('/v1/privacy/subjects/jo@example.org/erase?dry=1')).toEqual({ path: '/v1/privacy/subjects/:customerRef/erase', query: ['dry'] });
  });
});
