import { ApplicationFailure } from '@temporalio/workflow';
import { TakedownForbiddenError } from '../../domain/takedown/case';
import { asRefusal } from '../common/refusals';
import { TakedownFailure } from './messages';

/**
 * A takedown's or a hold's domain check as an update refusal: the shared ones (a transition the
 * state does not allow, common/refusals.ts), plus the takedown's own 403 for a role that is not
 * legal staff (checked first by the domain: other roles learn nothing of the case).
 */
export function asTakedownRefusal<T>(check: () => T): T {
  return asRefusal(() => {
    try {
      return check();
    } catch (err) {
      // A preservation hold's PreservationForbiddenError is one too.
      if (err instanceof TakedownForbiddenError) {
        throw ApplicationFailure.nonRetryable(err.message, TakedownFailure.Forbidden, { role: err.role, action: err.action });
      }
      throw err;
    }
  });
}
