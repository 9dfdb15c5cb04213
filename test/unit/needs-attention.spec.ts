import { ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import { refusalOf } from '../../src/workflows/common/needs-attention';

describe('why a case needs attention, from its record activity failure', () => {
  it('a refusal names its SQLSTATE and field; card data names its path', () => {
    const unstorable = ApplicationFailure.create({ type: 'UnstorableRecord', nonRetryable: true, message: 'refused', details: [{ sqlstate: '22021', field: 'view.subject' }] });
    expect(refusalOf(unstorable)).toEqual({ reason: 'record_refused', sqlstate: '22021', field: 'view.subject' });
    const card = ApplicationFailure.create({ type: 'CardDataRefused', nonRetryable: true, message: 'refused', details: [{ path: 'snapshot.reason' }] });
    expect(refusalOf(card)).toEqual({ reason: 'card_data_refused', sqlstate: null, field: 'snapshot.reason' });
  });

  it('anything else means the bounded retries ran out: a transient database error, a timeout', () => {
    const transient = ApplicationFailure.create({ type: 'DatabaseError', nonRetryable: false, message: 'SQLSTATE 57P01', details: [{ sqlstate: '57P01' }] });
    expect(refusalOf(transient)).toEqual({ reason: 'record_retries_exhausted', sqlstate: null, field: null });
    expect(refusalOf(new TimeoutFailure('timed out', undefined, 'START_TO_CLOSE'))).toEqual({ reason: 'record_retries_exhausted', sqlstate: null, field: null });
    expect(refusalOf(undefined).reason).toBe('record_retries_exhausted');
  });
});
