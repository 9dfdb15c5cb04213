import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { Notification } from '../integrations/notify/notification';
import type { WebhookNotificationSender } from '../integrations/notify/webhook-sender';
import { mapPersonalStrings } from '../persistence/personal-data';
import type { ReadModelSealer } from '../persistence/read-model-sealer';
import { ERASED_TEXT } from '../persistence/sealed-text';
import { CaseErasedError } from '../temporal/case-key-codec';

export interface NotificationDeps {
  dataSource: DataSource;
  logger: Logger;
  sealer: ReadModelSealer;
  /** Absent: notifications are recorded in PostgreSQL and logged (the built-in channel). */
  webhook?: WebhookNotificationSender;
}

export function createNotificationActivities({ dataSource, logger, sealer, webhook }: NotificationDeps) {
  return {
    /**
     * Records the notification under its business key (once), then delivers it. A retry after a
     * crash finds the row and delivers again with the same Idempotency-Key, which the receiver
     * drops; nothing is recorded twice.
     */
    async sendNotification(n: Notification): Promise<{ delivered: 'webhook' | 'recorded'; firstAttempt: boolean }> {
      const { message, recipient, summary, payload } = await recordOf(sealer, n);
      const inserted: unknown[] = await dataSource.query(
        `INSERT INTO notifications (key, kind, ticket_id, level, recipient, summary, payload)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING RETURNING key`,
        [n.key, n.kind, n.ticketId, n.level, recipient, summary, JSON.stringify(payload)],
      );
      const firstAttempt = inserted.length > 0;
      if (webhook) {
        const { status } = await webhook.send(message, Date.now());
        await dataSource.query(`UPDATE notifications SET delivered_at = now(), delivery_status = $2 WHERE key = $1`, [n.key, status]);
      }
      // Not `level`: that key is pino's own, and a second one replaces the log level when read back.
      logger.info({ ticketId: n.ticketId, kind: n.kind, escalationLevel: n.level, key: n.key, firstAttempt }, 'notification');
      return { delivered: webhook ? 'webhook' : 'recorded', firstAttempt };
    },
  };
}

interface NotificationRecord {
  /** What is delivered: the notification itself, or, for an erased case, its blanked copy. */
  message: Notification;
  recipient: string | null;
  summary: string;
  payload: Notification;
}

/**
 * The row's personal data sealed under its case's key (ticket, incident, billing or takedown case):
 * who was told and what, readable only while the case is; kind and level stay in clear, to count.
 * The webhook gets the message itself: it is the delivery, not a record. A case erased meanwhile
 * (the ended-cases sweep tells operations that erasure terminated it) is still told, with every
 * personal string blanked: refusing would fail that sweep on every run.
 */
async function recordOf(sealer: ReadModelSealer, n: Notification): Promise<NotificationRecord> {
  try {
    const [recipient, summary, payload] = await Promise.all([sealer.sealText(n.ticketId, n.recipient), sealer.sealText(n.ticketId, n.summary), sealer.seal(n.ticketId, n)]);
    return { message: n, recipient, summary: summary ?? n.summary, payload };
  } catch (err) {
    if (!(err instanceof CaseErasedError)) throw err;
    // The business key names the case and step, never the subject: the receiver still drops a repeat.
    const blanked = { ...(mapPersonalStrings(n, () => ERASED_TEXT) as Notification), key: n.key };
    return { message: blanked, recipient: null, summary: ERASED_TEXT, payload: blanked };
  }
}
