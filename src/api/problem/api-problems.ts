import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';

/** One bad field of a problem (`Problem.validation`): its dotted path, `header:Name` or `query:name`. */
export class FieldErrorResponse {
  @ApiProperty({ example: 'customerRef' }) field: string;
  @ApiProperty({ example: 'must be shorter than or equal to 200 characters' }) message: string;
}

/**
 * The body of every error (RFC 9457 problem+json), as ProblemFilter and sendProblem write it;
 * a problem may carry more members of its own (`state`, `action`, `checks`…).
 */
export class ProblemResponse {
  @ApiProperty({ example: 'https://caseworks.dev/problems/invalid-transition', description: 'What kind of problem: the slug after /problems/ is stable' })
  type: string;

  @ApiProperty({ example: 'Conflict with the current state' }) title: string;
  @ApiProperty({ example: 409 }) status: number;
  @ApiProperty({ example: 'cannot resolve a ticket that is closed' }) detail: string;
  @ApiProperty({ example: '/v1/tickets/ticket-01hx…/resolve', description: 'The request path (never its query string)' }) instance: string;
  @ApiPropertyOptional({ description: 'The X-Request-Id of the request, to quote to support' }) requestId?: string;
  @ApiPropertyOptional({ type: [FieldErrorResponse], description: 'Validation problems: each bad field' }) errors?: FieldErrorResponse[];
  @ApiPropertyOptional({ description: '429 and 503: also sent as Retry-After' }) retryAfterSeconds?: number;
}

export const PROBLEM_JSON = 'application/problem+json';

/** The answers this API gives on purpose: the 4xx, and 503 for a dependency that does not answer. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 503;
/** A status with its usual meaning, or with what it means for this operation. */
export type ProblemAnswer = ProblemStatus | [ProblemStatus, string];

const MEANING: Record<ProblemStatus, string> = {
  400: 'The request is not valid (problem type validation, with `errors` naming each field)',
  401: 'No API key or token, or one this API does not know',
  403: "The caller's role may not call this operation, or the case is outside its scope",
  404: 'No such case or resource (or one outside the caller’s scope)',
  409: "The case's current state does not allow this (the problem names the state)",
  410: 'The case was stopped for good (terminated, timed out or failed): nothing more can happen to it',
  413: 'The body is larger than this API reads',
  415: 'The body is not JSON (Content-Type: application/json)',
  422: "The request is well-formed, but the case's rules refuse a value (or an Idempotency-Key is reused with another body)",
  429: 'Too many requests: wait Retry-After seconds',
  503: 'A dependency (PostgreSQL, Temporal) does not answer: retry after Retry-After seconds',
};

/** A problem+json response object for the document (the ApiResponse options, less their status). */
export function problemResponse(status: ProblemStatus, description = MEANING[status]) {
  return { status, description, content: { [PROBLEM_JSON]: { schema: { $ref: getSchemaPath(ProblemResponse) } } } };
}

/**
 * Documents an operation's own 4xx answers as problem+json: `@ApiProblems(404, [409, 'why'])`.
 * The answers every route shares (400, 429, and 401/403 from the role table) are added to the
 * whole document by describeCommonProblems and describeOperationRoles.
 */
export function ApiProblems(...answers: ProblemAnswer[]) {
  // A status named twice keeps its last description: CaseActionProblems([404, 'why']) refines its own 404.
  const described = new Map<ProblemStatus, string>();
  for (const answer of answers) {
    const [status, description] = Array.isArray(answer) ? answer : [answer, MEANING[answer]];
    described.set(status, description);
  }
  return applyDecorators(ApiExtraModels(ProblemResponse), ...[...described].map(([status, description]) => ApiResponse(problemResponse(status, description))));
}

/** Reading one case: it does not exist (or is outside the caller's scope). */
export const CaseReadProblems = () => ApiProblems(404);

/**
 * An action on a case (a workflow update): no such case, a state that refuses the action (409),
 * a case stopped for good (410, src/api/temporal/ended-case.ts), a value the case's rules refuse or a
 * reused key (422) — as src/api/cases/case-problem.ts maps a workflow's refusal.
 */
export const CaseActionProblems = (...more: ProblemAnswer[]) => ApiProblems(404, 409, 410, 422, ...more);

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * Adds the answers that come from what every request passes, not from the operation: the input
 * guard (400: a query parameter repeated or nested, text that cannot be stored), the rate limit
 * (429), and for operations taking a body the body parsers (413, 415). An operation's own
 * description of one of these statuses is kept.
 */
export function describeCommonProblems(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const shared: ProblemStatus[] = operation.requestBody ? [400, 413, 415, 429] : [400, 429];
      for (const status of shared) {
        const { description, content } = problemResponse(status);
        operation.responses[status] ??= { description, content };
      }
    }
  }
  return document;
}
