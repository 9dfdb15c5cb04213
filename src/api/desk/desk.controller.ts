import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import { PolicyRegistry } from '../../config/policy-registry';
import { TAKEDOWN_ROLE } from '../../domain/takedown/case';
import { AccessLogService } from '../access-log/access-log.service';
import { accessorOf } from '../access-log/accessor';
import { ApiKeyService } from '../auth/api-key.service';
import { AuthFailureLimiter } from '../auth/auth-failure-limiter';
import type { AuthenticatedRequest, Principal } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { readCookie } from '../auth/session-cookie';
import { FieldError, Problem } from '../problem/problem';
import { createValidationPipe } from '../problem/validation';
import { ListTakedownsQuery, TransparencyQuery } from '../takedowns/takedown.dto';
import { TakedownsService } from '../takedowns/takedowns.service';
import { transparencyCsv, TransparencyService } from '../takedowns/transparency.service';
import { DESK_ACTIONS, isDeskAction, offeredActions, validatedBody } from './desk-actions';
import { caseMark, OPEN_STATES } from './desk-clocks';
import { DeskProblemFilter } from './desk-problem.filter';
import { cookieOptions, DESK_SIGN_IN_COOKIE, DeskSession, DeskSessions, newToken, sameToken } from './desk-session';
import { DeskStore } from './desk-store';
import { sendPage } from './desk-layout';
import { caseBody, CaseRefusal, messageBody, queueBody, QueueFilters, signInBody, transparencyBody } from './desk-views';
import { DeskOidc } from './desk-oidc';
import { safeNextPath } from './desk-paths';

type Form = Record<string, unknown>;

/** The queue shows this many cases at most, the most urgent; filters narrow it. */
const QUEUE_LIMIT = 200;
type DeskRequest = Request & AuthenticatedRequest;

const validation = createValidationPipe();

/**
 * The legal desk: server-rendered pages for legal staff over the same TakedownsService and DTO
 * validation as the JSON API (src/api/takedowns/). Not an API: no key opens it (the API-key guard
 * lets /desk through as public, see the role table) — the desk's own session does, and only for
 * the legal role. Pages are GETs; every change is a POST carrying the session's CSRF token, then a
 * redirect back to the page (post/redirect/get) with a flash message, or the page again with the
 * refusal naming the field.
 */
@ApiExcludeController()
@Controller('desk')
@UseFilters(DeskProblemFilter)
export class DeskController {
  /** Sign-in with a key is a key guess like any other: limited per address as the API-key guard limits them. */
  private readonly failures: AuthFailureLimiter;

  constructor(
    config: AppConfig,
    private readonly sessions: DeskSessions,
    private readonly keys: ApiKeyService,
    private readonly takedowns: TakedownsService,
    private readonly transparency: TransparencyService,
    private readonly store: DeskStore,
    private readonly accessLog: AccessLogService,
    private readonly oidc: DeskOidc,
    private readonly policies: PolicyRegistry,
  ) {
    this.failures = new AuthFailureLimiter(config.AUTH_FAILURE_LIMIT_PER_MINUTE);
  }

  // ---- sign-in and sign-out ------------------------------------------------------------------

  @Get('sign-in')
  @Operation('desk.signInForm')
  signInForm(@Req() req: DeskRequest, @Res() res: Response, @Query('next') next?: string, @Query('expired') expired?: string, @Query('signedOut') signedOut?: string): void {
    if (this.sessions.read(req).session) return res.redirect(303, safeNextPath(next));
    const notice = expired ? 'Your session expired. Sign in again.' : signedOut ? 'You are signed out.' : undefined;
    this.renderSignIn(req, res, { next: safeNextPath(next), notice });
  }

  @Post('sign-in')
  @Operation('desk.signIn')
  async signIn(@Req() req: DeskRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    const next = safeNextPath(typeof body?.next === 'string' ? body.next : undefined);
    const expected = readCookie(req, DESK_SIGN_IN_COOKIE);
    if (!expected || !sameToken(body?._csrf, expected)) {
      return this.renderSignIn(req, res, { next, error: 'The sign-in form expired or did not come from this desk. Try again.', status: 400 });
    }
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const retry = this.failures.retryAfterSeconds(address);
    if (retry > 0) {
      res.setHeader('Retry-After', String(retry));
      return this.renderSignIn(req, res, { next, error: `Too many failed sign-ins from this address; try again in ${retry} s.`, status: 429 });
    }
    const key = typeof body.key === 'string' ? body.key.trim() : '';
    const principal = key && !key.includes('.') ? await this.keys.authenticate(key) : null;
    if (!principal) {
      this.failures.recordFailure(address);
      return this.renderSignIn(req, res, { next, error: 'That API key is unknown or revoked.', status: 401 });
    }
    this.startSession(req, res, principal, next);
  }

  /** The deployment's identity provider, when configured (OIDC_ISSUER_URL): authorization code + PKCE. */
  @Get('sign-in/oidc')
  @Operation('desk.oidcSignIn')
  async oidcSignIn(@Req() req: DeskRequest, @Res() res: Response, @Query('next') next?: string): Promise<void> {
    res.redirect(302, await this.oidc.begin(req, res, safeNextPath(next)));
  }

  @Get('oidc/callback')
  @Operation('desk.oidcCallback')
  async oidcCallback(@Req() req: DeskRequest, @Res() res: Response, @Query('code') code?: string, @Query('state') state?: string): Promise<void> {
    const { principal, next } = await this.oidc.complete(req, res, code, state);
    // The IdP's redirect here is a cross-site navigation: a redirect on from it would not carry the
    // SameSite=Strict session cookie, so a page of this site moves on (a same-site navigation).
    this.startSession(req, res, principal, next, 'page');
  }

  @Post('sign-out')
  @Operation('desk.signOut')
  async signOut(@Req() req: DeskRequest, @Res() res: Response, @Body() body: Form): Promise<void> {
    const { session } = this.sessions.read(req);
    if (!session) return res.redirect(303, '/desk/sign-in');
    if (!sameToken(body?._csrf, session.csrf)) return this.forbiddenCsrf(res, session);
    await this.store.recordSignOut(session, this.sessions.expiresAt(session));
    this.sessions.clear(req, res);
    res.redirect(303, '/desk/sign-in?signedOut=1');
  }

  // ---- the queue and the case page -------------------------------------------------------------

  @Get()
  @Operation('desk.queue')
  async queue(@Req() req: DeskRequest, @Res() res: Response, @Query() query: Record<string, string>): Promise<void> {
    const session = await this.signedIn(req, res, 'page');
    if (!session) return;
    const filters: QueueFilters = { state: blank(query.state), regime: blank(query.regime), reviewer: blank(query.reviewer), overdue: query.overdue === '1' || query.overdue === 'on', id: blank(query.id) };
    let listQuery: ListTakedownsQuery;
    try {
      // The JSON list's own query DTO and pipe: a filter the API would refuse is refused here too.
      listQuery = (await validation.transform({ status: filters.state, regime: filters.regime, assignee: filters.reviewer, limit: '200' }, { type: 'query', metatype: ListTakedownsQuery })) as ListTakedownsQuery;
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      return this.page(res, session, 'Queue', queueBody({ items: [], filters, now: Date.now(), errors: fieldErrors(err) }), 400);
    }
    if (filters.id !== undefined && filters.id.length > 100) {
      return this.page(res, session, 'Queue', queueBody({ items: [], filters, now: Date.now(), errors: [{ field: 'id', message: 'at most 100 characters' }] }), 400);
    }
    const now = Date.now();
    // One query over the open states (or the state asked for), the next deadline first: the most
    // urgent cases lead the page however many cases there are.
    const items = await this.takedowns.queue({
      states: listQuery.status ? [listQuery.status] : OPEN_STATES,
      reviewer: listQuery.assignee,
      regime: listQuery.regime,
      idContains: filters.id,
      dueBy: filters.overdue ? new Date(now) : undefined,
      limit: QUEUE_LIMIT,
    });
    // The query narrows "overdue" to cases with a deadline passed; the mark says which of them are.
    const shown = items.filter((t) => !filters.overdue || caseMark(t, now) === 'overdue');
    await this.logAccess(req, 'desk.queue', null);
    this.page(res, session, 'Queue', queueBody({ items: shown, filters, now, limit: QUEUE_LIMIT }));
  }

  @Get('takedowns/:id')
  @Operation('desk.case')
  async case(@Req() req: DeskRequest, @Res() res: Response, @Param('id') id: string, @Query('done') done?: string): Promise<void> {
    const session = await this.signedIn(req, res, 'page');
    if (!session) return;
    const flash = done && isDeskAction(done) ? DESK_ACTIONS[done].done : undefined;
    await this.renderCase(req, res, session, id, { flash });
  }

  /** Every form on the case page posts here: the same service call as the JSON route, after the same validation. */
  @Post('takedowns/:id/actions/:action')
  @Operation('desk.act')
  async act(@Req() req: DeskRequest, @Res() res: Response, @Param('id') id: string, @Param('action') action: string, @Body() body: Form): Promise<void> {
    const session = await this.signedIn(req, res, 'form');
    if (!session) return;
    if (!sameToken(body?._csrf, session.csrf)) return this.forbiddenCsrf(res, session);
    if (!isDeskAction(action)) throw Problem.notFound('desk action', action);
    const form: Form = { ...body };
    delete form._csrf;
    const def = DESK_ACTIONS[action];
    try {
      const dto = await validatedBody(def, form);
      await def.run(this.takedowns, id, dto, session.principal, form);
    } catch (err) {
      if (!(err instanceof Problem) || err.getStatus() === 404 || err.getStatus() >= 500) throw err;
      const refusal: CaseRefusal = { action, status: err.getStatus(), detail: err.message, errors: fieldErrors(err), form };
      return this.renderCase(req, res, session, id, { refusal });
    }
    res.redirect(303, `/desk/takedowns/${encodeURIComponent(id)}?done=${action}#action-${action}`);
  }

  // ---- transparency ----------------------------------------------------------------------------

  @Get('transparency')
  @Operation('desk.transparency')
  async transparencyReport(@Req() req: DeskRequest, @Res() res: Response, @Query('year') yearParam?: string, @Query('format') format?: string): Promise<void> {
    const session = await this.signedIn(req, res, 'page');
    if (!session) return;
    const year = yearParam ?? String(new Date().getUTCFullYear());
    let q: TransparencyQuery;
    try {
      q = (await validation.transform({ year, ...(format ? { format } : {}) }, { type: 'query', metatype: TransparencyQuery })) as TransparencyQuery;
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      const years = await this.store.publishedYears();
      return this.page(res, session, 'Transparency report', transparencyBody({ report: null, year: new Date().getUTCFullYear(), years, desk: true, errors: fieldErrors(err) }), 400);
    }
    const report = await this.transparency.report(q.year);
    await this.logAccess(req, 'desk.transparency', null);
    if (q.format === 'csv') {
      res.setHeader('Caseworks-Source', report.source);
      res.setHeader('Cache-Control', 'no-store');
      res.type('text/csv').setHeader('Content-Disposition', `attachment; filename="transparency-${q.year}.csv"`);
      res.send(transparencyCsv(report));
      return;
    }
    this.page(res, session, 'Transparency report', transparencyBody({ report, year: q.year, years: await this.store.publishedYears(), desk: true }));
  }

  // ---- helpers -----------------------------------------------------------------------------------

  /**
   * The signed-in legal user, with the idle clock restarted; or null once the response is sent:
   * to sign-in (no session, or it expired — a page says so), or 403 for a role other than legal.
   */
  private async signedIn(req: DeskRequest, res: Response, kind: 'page' | 'form'): Promise<DeskSession | null> {
    const read = this.sessions.read(req);
    if (!read.session) {
      if (read.reason !== 'none') this.sessions.clear(req, res);
      const query = new URLSearchParams();
      if (read.reason === 'expired') query.set('expired', '1');
      if (kind === 'page') query.set('next', req.originalUrl);
      res.redirect(303, `/desk/sign-in${query.size ? `?${query}` : ''}`);
      return null;
    }
    const session = read.session;
    if (await this.store.signedOut(session)) {
      this.sessions.clear(req, res);
      res.redirect(303, '/desk/sign-in?signedOut=1');
      return null;
    }
    if (session.principal.role !== TAKEDOWN_ROLE || !(await this.store.keyActive(session.principal))) {
      this.sessions.clear(req, res);
      sendPage(res, { title: 'Not for this role', status: 403, body: messageBody('Forbidden', 'The legal desk is for legal staff only, signed in with a current legal key or account.', { href: '/desk/sign-in', label: 'Sign in as someone else' }) });
      return null;
    }
    session.seenAt = Date.now();
    this.sessions.write(req, res, session);
    // The Temporal client binds each update to the request's principal (request-context.ts).
    req.principal = session.principal;
    return session;
  }

  private startSession(req: DeskRequest, res: Response, principal: Principal, next: string, answer: 'redirect' | 'page' = 'redirect'): void {
    if (principal.role !== TAKEDOWN_ROLE) {
      res.clearCookie(DESK_SIGN_IN_COOKIE, cookieOptions(req));
      return sendPage(res, {
        title: 'Not for this role',
        status: 403,
        body: messageBody('Forbidden', `The legal desk is for legal staff; this sign-in has the role ${principal.role}.`, { href: '/desk/sign-in', label: 'Sign in with a legal key' }),
      });
    }
    res.clearCookie(DESK_SIGN_IN_COOKIE, cookieOptions(req));
    const session = this.sessions.open(principal);
    this.sessions.write(req, res, session);
    if (answer === 'redirect') return res.redirect(303, next);
    sendPage(res, { title: 'Signed in', refreshTo: next, user: { name: principal.name, csrf: session.csrf }, body: messageBody(`Signed in as ${principal.name}`, 'Taking you to the desk.', { href: next, label: 'Continue to the desk' }) });
  }

  private renderSignIn(req: DeskRequest, res: Response, opts: { next: string; notice?: string; error?: string; status?: number }): void {
    const csrf = newToken();
    res.cookie(DESK_SIGN_IN_COOKIE, csrf, { ...cookieOptions(req), maxAge: 3_600_000 });
    sendPage(res, { title: 'Sign in', status: opts.status, body: signInBody({ csrf, next: opts.next, notice: opts.notice, error: opts.error, oidc: this.oidc.enabled }) });
  }

  private async renderCase(req: DeskRequest, res: Response, session: DeskSession, id: string, extra: { flash?: string; refusal?: CaseRefusal }): Promise<void> {
    const [{ takedown }, history] = await Promise.all([this.takedowns.get(id), this.takedowns.history(id)]);
    await this.logAccess(req, 'desk.case', id);
    const timeZone = this.policies.find(takedown.brand)?.takedowns?.clocks.calendar.timeZone;
    const body = caseBody({ takedown, history: history.items, offered: offeredActions(takedown), csrf: session.csrf, now: Date.now(), timeZone, me: session.principal.name, ...extra });
    this.page(res, session, `Takedown ${id}`, body, extra.refusal?.status);
  }

  private page(res: Response, session: DeskSession, title: string, body: ReturnType<typeof queueBody>, status?: number): void {
    sendPage(res, { title, body, status, user: { name: session.principal.name, csrf: session.csrf } });
  }

  private forbiddenCsrf(res: Response, session: DeskSession): void {
    sendPage(res, {
      title: 'Form refused',
      status: 403,
      user: { name: session.principal.name, csrf: session.csrf },
      body: messageBody('Form refused', 'The form did not carry this session’s security token (CSRF). Reload the page and submit it again.', { href: '/desk', label: 'Back to the queue' }),
    });
  }

  /** Desk reads of notices are accesses to case data, logged as the API logs its own (access-log/). */
  private logAccess(req: DeskRequest, operation: string, caseId: string | null): Promise<void> {
    const accessor = accessorOf(req);
    if (!accessor) return Promise.resolve();
    return this.accessLog.record({ ...accessor, operation, caseId, caseKind: 'takedown', status: 200 });
  }
}

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

function fieldErrors(err: Problem): FieldError[] {
  const errors = err.extensions.errors;
  return Array.isArray(errors) ? (errors as FieldError[]) : [];
}
