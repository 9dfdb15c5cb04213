/**
 * The privacy routes and the customer view name the data subject in the path
 * (/v1/privacy/subjects/{customerRef}/…, /v1/customers/{customerRef}…):
 * logs show the route's template there instead, so a customer reference or e-mail address never
 * reaches a log line — least of all the line of the request that erased it.
 */
const SUBJECT_SEGMENT = /^(\/v1\/(?:privacy\/subjects|customers)\/)[^/?]+/i;

export function withoutSubjectRef(path: string): string {
  return path.replace(SUBJECT_SEGMENT, '$1:customerRef');
}
