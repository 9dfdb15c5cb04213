import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { Problem } from '../problem/problem';
import { sendPage } from './desk-layout';
import { messageBody } from './desk-views';

/**
 * On desk pages a refusal is a page, not problem+json: an unknown case (404), a sign-in the IdP
 * refused. Other errors (a dependency outage, a defect) are not Problems and reach the API's
 * ProblemFilter, which logs and answers them as everywhere else.
 */
@Catch(Problem)
export class DeskProblemFilter implements ExceptionFilter {
  catch(problem: Problem, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const status = problem.getStatus();
    const title = status === 404 ? 'Not found' : problem.title;
    sendPage(res, { title, status, body: messageBody(title, problem.message, { href: '/desk', label: 'Back to the queue' }) });
  }
}
