/** How much of an error's message a log line keeps. */
const MESSAGE_CHARS = 200;

export interface LoggableError {
  type: string;
  message: string;
  /** SQLSTATE or a library's error code, when there is one. */
  code?: string;
  /** Stack frames only: the stack's first line repeats the (unstripped) message. */
  stack?: string;
  /** Class names of the causes, outermost first. */
  causes?: string[];
}

/**
 * Drops what a message may quote of the input: PostgreSQL quotes the value it refused
 * (`invalid input syntax for type uuid: "…"`), JSON.parse quotes the body, others say `key=value`.
 */
export function strippedMessage(message: string): string {
  const stripped = message
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/'(?:[^'\\]|\\.)*'/g, "'…'")
    .replace(/`[^`]*`/g, '`…`')
    .replace(/\(([^()]*)\)=\(([^()]*)\)/g, '(…)=(…)')
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return stripped.length > MESSAGE_CHARS ? `${stripped.slice(0, MESSAGE_CHARS)}…` : stripped;
}

/**
 * An unexpected error as a log line may carry it: its class, its message stripped of quoted input
 * and cut short, its code and its stack frames. Never its own fields: a TypeORM QueryFailedError
 * carries the SQL `parameters` (customer references, case snapshots), an HTTP client error the
 * request body.
 */
export function loggableError(err: unknown): LoggableError {
  if (!(err instanceof Error)) return { type: typeof err, message: 'a non-Error value was thrown' };
  const own = err as Error & { code?: unknown; driverError?: { code?: unknown } };
  const code = own.driverError?.code ?? own.code;
  const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  const causes: string[] = [];
  let cause: unknown = (err as { cause?: unknown }).cause;
  while (cause instanceof Error && causes.length < 5) {
    causes.push(cause.constructor?.name ?? cause.name);
    cause = (cause as { cause?: unknown }).cause;
  }
  return {
    type: err.constructor?.name ?? err.name,
    message: strippedMessage(err.message),
    ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
    ...(frames.length > 0 ? { stack: frames.slice(0, 20).join('\n') } : {}),
    ...(causes.length > 0 ? { causes } : {}),
  };
}
