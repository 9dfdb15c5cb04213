/** Where to send the browser after sign-in: only a desk path of this origin, never `//evil.example` or an absolute URL. */
export function safeNextPath(next: string | undefined): string {
  return typeof next === 'string' && /^\/desk(\/|\?|$)/.test(next) && !next.startsWith('//') && !/[\\\r\n]/.test(next) ? next : '/desk';
}
