import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { Caller } from '../../temporal/actor-binding';
import type { AuthenticatedRequest } from './principal';

/**
 * Who the API is acting for, wherever it is in a request: the Temporal client's actor-binding
 * codec asks `currentCaller()` while it encodes an update, so every payload the API sends is
 * bound to the authenticated caller (src/temporal/actor-binding.ts) without threading the
 * principal through every service call.
 *
 * The store holds the request itself, and the principal is read from it when asked: whichever
 * way the guard authenticated (API key, IdP token, sign-in cookie), `req.principal` is the answer.
 */
interface RequestContext {
  request?: AuthenticatedRequest;
  /** A system identity for a route that acts on its own authority (a signed webhook). */
  system?: Caller;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Mounted first for every request (create-app.ts). The body parsers keep the context (raw-body binds its callback). */
export function requestContextMiddleware(req: Request, _res: Response, next: NextFunction): void {
  storage.run({ request: req as Request & AuthenticatedRequest }, next);
}

/** The caller of the request being handled; undefined outside a request or before authentication. */
export function currentCaller(): Caller | undefined {
  const context = storage.getStore();
  if (context?.system) return context.system;
  const principal = context?.request?.principal;
  return principal ? { name: principal.name, role: principal.role } : undefined;
}

/** Runs `fn` acting as `caller` (a public route acting on its own authority, e.g. the signed billing webhook). */
export function runAsCaller<T>(caller: Caller, fn: () => T): T {
  return storage.run({ ...storage.getStore(), system: caller }, fn);
}

/** The billing gateway's webhook (Stripe-Signature verified) signalling billing cases. */
export const BILLING_WEBHOOK_CALLER: Caller = { name: 'system:billing-webhook', role: 'system' };

/** The public notice intake (no key: anyone may file a takedown notice) starting a takedown case. */
export const PUBLIC_INTAKE_CALLER: Caller = { name: 'system:public-intake', role: 'system' };
