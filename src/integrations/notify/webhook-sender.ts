import { createHmac } from 'node:crypto';

export class WebhookDeliveryError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

/**
 * Delivers notifications to a chat/e-mail relay over HTTP. The Idempotency-Key header carries
 * the notification's business key, so a receiver can drop a retried delivery; the body is signed
 * (HMAC-SHA256 over "<timestamp>.<body>") when a secret is configured.
 */
export class WebhookNotificationSender {
  constructor(
    private readonly url: string,
    private readonly secret: string | undefined,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Any keyed JSON message: notifications, and backlog items for the issue tracker. */
  async send(notification: { readonly key: string }, now: number): Promise<{ status: number }> {
    const body = JSON.stringify(notification);
    const timestamp = Math.floor(now / 1000).toString();
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': notification.key };
    if (this.secret) {
      const mac = createHmac('sha256', this.secret).update(`${timestamp}.${body}`).digest('hex');
      headers['caseworks-signature'] = `t=${timestamp},v1=${mac}`;
    }
    const res = await fetch(this.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    if (res.status >= 300) throw new WebhookDeliveryError(res.status, `notification webhook answered ${res.status}`);
    return { status: res.status };
  }
}
