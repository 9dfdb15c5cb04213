import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { caseProblem } from '../../../src/api/cases/case-problem';
import { Problem } from '../../../src/api/problem/problem';
import { UPDATE_OUTLIVED_WORKFLOW } from '../../../src/api/temporal/ended-case';

/** What the SDK throws for an update the workflow's validator or handler refused. */
function refused(type: string, message: string, details?: Record<string, unknown>): WorkflowUpdateFailedError {
  return new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.nonRetryable(message, type, ...(details ? [details] : [])));
}

function answer(err: unknown): { status: number } & Record<string, unknown> {
  const problem = caseProblem(err, 'ticket', 'ticket-x');
  if (!(problem instanceof Problem)) throw new Error(`no problem for ${String(err)}`);
  return problem.toDetails();
}

describe('the one mapping of what Temporal answers an action to problem+json', () => {
  it('no such workflow is a 404 naming the case', () => {
    expect(answer(new WorkflowNotFoundError('workflow not found', 'ticket-x', undefined))).toMatchObject({ status: 404, type: Problem.typeFor('not-found'), detail: 'ticket ticket-x does not exist' });
  });

  it('an update the workflow closed under is a 409 (the case has stopped)', () => {
    expect(answer(refused(UPDATE_OUTLIVED_WORKFLOW, 'Workflow Update failed because the Workflow completed before the Update completed.'))).toMatchObject({
      status: 409,
      type: Problem.typeFor('case-stopped'),
      state: 'closed',
    });
  });

  it('an invalid transition is a 409 naming state and action, and the reason when the refusal gives one', () => {
    expect(answer(refused('InvalidTransition', 'cannot close a new ticket', { status: 'new', action: 'close', reason: null }))).toEqual({
      type: Problem.typeFor('invalid-transition'),
      title: 'Conflict with the current state',
      status: 409,
      detail: 'cannot close a new ticket',
      state: 'new',
      action: 'close',
    });
    expect(answer(refused('InvalidTransition', 'too late', { status: 'decided', action: 'complaint', reason: 'past the 6-month window' }))).toMatchObject({
      status: 409,
      reason: 'past the 6-month window',
    });
  });

  it.each([
    ['InvalidValue', { field: 'priority' }, 422, 'validation', { errors: [{ field: 'priority', message: 'm' }] }],
    ['IdempotencyKeyReused', undefined, 422, 'idempotency-key-reused', { errors: [{ field: 'header:Idempotency-Key', message: 'm' }] }],
    ['TakedownForbidden', { role: 'admin', action: 'decide' }, 403, 'forbidden', { role: 'admin', action: 'decide' }],
    ['IdentityNotConfirmed', { missing: 'identityConfirmation', action: 'cancel' }, 409, 'identity-not-confirmed', { missing: 'identityConfirmation', action: 'cancel' }],
    ['CardDataRefused', { field: 'value' }, 409, 'manual-remediation', { state: 'manual_remediation', errors: [{ field: 'value', message: expect.any(String) }] }],
  ])('refusal %s is a %i %s', (type, details, status, slug, fields) => {
    expect(answer(refused(type, 'm', details))).toMatchObject({ status, type: Problem.typeFor(slug), ...fields });
  });

  it('anything else is no answer: the caller rethrows it (a 500, or the outage/busy 503s)', () => {
    expect(caseProblem(new Error('boom'), 'ticket', 'ticket-x')).toBeUndefined();
    expect(caseProblem(refused('SomethingNew', 'm'), 'ticket', 'ticket-x')).toBeUndefined();
  });
});
