import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { Notification } from '../integrations/notify/notification';
import type { WebhookNotificationSender } from '../integrations/notify/webhook-sender';

export interface NotificationDeps {
  dataSource: DataSource;
  logger: Logger;
  /** Absent: notifications are recorded in PostgreSQL and logged (the built-in channel). */
  webhook?: WebhookNotificationSender;
}

export function createNotificationActivities({ dataSource, logger, webhook }: NotificationDeps) {
  return {
    /**
     * Records the notification under its business key (once), then delivers it. A retry after a
     * crash finds the row and delivers again with the same Idempotency-Key, which the receiver
     * drops; nothing is recorded twice.
     */
    async sendNotification(n: Notification): Promise<{ delivered: 'webhook' | 'recorded'; firstAttempt: boolean }> {
      const inserted: unknown[] = await dataSource.query(
        `INSERT INTO notifications (key, kind, ticket_id, level, recipient, summary, payload)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING RETURNING key`,
        [n.key, n.kind, n.ticketId, n.level, n.recipient, n.summary, JSON.stringify(n)],
      );
      const firstAttempt = inserted.length > 0;
      if (webhook) {
        const { status } = await webhook.send(n, Date.now());
        await dataSource.query(`UPDATE notifications SET delivered_at = now(), delivery_status = $2 WHERE key = $1`, [n.key, status]);
      }
      logger.info({ ticketId: n.ticketId, kind: n.kind, level: n.level, key: n.key, firstAttempt }, 'notification');
      return { delivered: webhook ? 'webhook' : 'recorded', firstAttempt };
    },
  };
}
