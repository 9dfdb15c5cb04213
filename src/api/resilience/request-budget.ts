import { AsyncLocalStorage } from 'node:async_hooks';
import type { Request, Response } from 'express';

/**
 * One request's time budget: when it started, when the API must have answered, and whether the
 * budget itself had to answer (then the handler's own outcome arrives too late to be sent).
 */
export interface RequestBudget {
  readonly startedAt: number;
  budgetMs: number;
  deadline: number;
  answered: boolean;
  /** A Temporal RPC made for this request was refused as UNAVAILABLE (the frontend cannot be reached). */
  temporalUnreachable?: boolean;
  timer?: NodeJS.Timeout;
  onExpiry?: () => void;
}

const budgets = new WeakMap<Request, RequestBudget>();
const current = new AsyncLocalStorage<RequestBudget>();

/** Starts the budget of a request; `onExpiry` answers it when the time is up. */
export function startBudget(req: Request, res: Response, budgetMs: number, onExpiry: () => void): RequestBudget {
  const budget: RequestBudget = { startedAt: Date.now(), budgetMs, deadline: 0, answered: false, onExpiry };
  budgets.set(req, budget);
  arm(budget, budgetMs);
  const stop = () => clearTimeout(budget.timer);
  res.once('finish', stop);
  res.once('close', stop);
  return budget;
}

/** Gives a route a different budget than the default (one that waits on purpose), counted from the request's start. */
export function resetBudget(budget: RequestBudget, budgetMs: number): void {
  if (budget.answered) return;
  arm(budget, budgetMs);
}

function arm(budget: RequestBudget, budgetMs: number): void {
  clearTimeout(budget.timer);
  budget.budgetMs = budgetMs;
  budget.deadline = budget.startedAt + budgetMs;
  budget.timer = setTimeout(() => {
    budget.answered = true;
    budget.onExpiry?.();
  }, Math.max(0, budget.deadline - Date.now()));
  budget.timer.unref();
}

export function budgetOf(req: Request): RequestBudget | undefined {
  return budgets.get(req);
}

/** Runs a request's handler with its budget in scope, so the calls it makes (Temporal RPCs) can share its deadline. */
export function runInBudget<T>(budget: RequestBudget, fn: () => T): T {
  return current.run(budget, fn);
}

/** The budget of the request the caller is serving, or undefined outside a request. */
export function currentBudget(): RequestBudget | undefined {
  return current.getStore();
}

/**
 * Milliseconds left before the current request must be answered (negative once past), or
 * undefined outside a request. For loops that retry a call: once it is spent, every Temporal call
 * fails at once (its deadline has passed), so retrying only delays the answer.
 */
export function timeLeftInRequest(): number | undefined {
  const budget = current.getStore();
  return budget === undefined ? undefined : budget.deadline - Date.now();
}
