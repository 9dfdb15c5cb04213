import { ActivityFailure, ApplicationFailure, condition, currentUpdateInfo, deprecatePatch } from '@temporalio/workflow';
import { CARD_DATA_REFUSED } from '../../domain/billing/card-redaction';
import { BillingFailure } from './messages';

/**
 * What a billing workflow does when recordBillingCase refuses its record because it holds card
 * data (a non-retryable CardDataRefused failure naming the field path): the case moves to manual
 * remediation instead of retrying forever. `refused(path)` marks the case; in an update handler
 * the update then fails (409 for the API), in the main flow this call never returns and the
 * workflow's race on `refusedPath` takes over. The patch marker is retired (issue 13) but still
 * written at this point, so histories recorded while it was a patch replay.
 */
export async function onRecordRefused(err: unknown, refused: (path: string) => void): Promise<never> {
  const path = cardDataRefusalPath(err);
  if (path === null) throw err;
  deprecatePatch('billing-card-data-remediation');
  refused(path);
  return stopAfterRefusal(path);
}

/** Once the record was refused nothing more is recorded: an update fails, the main flow stops here. */
export async function stopAfterRefusal(path: string): Promise<never> {
  if (currentUpdateInfo() !== undefined) {
    throw ApplicationFailure.nonRetryable(`the case record holds card data at ${path}: the case moved to manual remediation`, BillingFailure.CardDataRefused, { field: path });
  }
  await condition(() => false);
  throw new Error('unreachable');
}

/** The field path of a CardDataRefused activity failure, or null for any other error. */
export function cardDataRefusalPath(err: unknown): string | null {
  if (!(err instanceof ActivityFailure) || !(err.cause instanceof ApplicationFailure) || err.cause.type !== CARD_DATA_REFUSED) return null;
  const details = err.cause.details?.[0] as { path?: unknown } | undefined;
  return typeof details?.path === 'string' ? details.path : '(unknown)';
}

export function cardDataRemediationReason(path: string): string {
  return `the case record was refused: card data at ${path}; a person must check the case (the stored record shows last four digits only)`;
}
