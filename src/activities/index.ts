import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { publicApiUrl, type AppConfig } from '../config/config.schema';
import { WebhookNotificationSender } from '../integrations/notify/webhook-sender';
import { SandboxGateway } from '../integrations/billing/sandbox-gateway';
import { StripeGateway } from '../integrations/billing/stripe-gateway';
import { PagerDutyEventsAdapter } from '../integrations/paging/pagerduty-events';
import { PlaybackDiagnosticsClient } from '../integrations/playback/playback-diagnostics.client';
import { BillingDeps, createBillingActivities } from './billing';
import { createEndedCasesActivities, EndedCasesDeps } from './ended-cases';
import { createRetentionActivities, RetentionDeps } from './retention';
import { createReportActivities, ReportDeps } from './reports';
import { PolicyRegistry } from '../config/policy-registry';
import { createIncidentActivities, IncidentDeps } from './incidents';
import { createNotificationActivities, NotificationDeps } from './notifications';
import { createPlaybackChecklistActivities, PlaybackChecklistDeps } from './playback-checklist';
import { createSlaCreditActivities } from './sla-credits';
import { createTakedownActivities, TakedownDeps } from './takedowns';
import { createOnboardingActivities } from './onboarding';
import { createCustomerActivities, CustomerDeps } from './customers';
import { crmFrom } from '../integrations/crm/crm-from-config';
import { TableCrm } from '../integrations/crm/table-crm';
import { createCrmSyncActivities, CrmSyncDeps } from './crm-sync';
import { createCustomerSignalActivities } from './customer-signals';
import { createTicketReadModelActivities } from './ticket-read-model';
import { withPermanentFailures } from './permanent-failure';
import { withStorableMessages } from './storable-text';
import { ReadModelSealer } from '../persistence/read-model-sealer';

/** Every activity that writes personal data into the read model seals it under the case's key (read-model-sealer.ts). */
export interface SealingDeps {
  sealer: ReadModelSealer;
}

export type ActivityDeps = NotificationDeps & PlaybackChecklistDeps & IncidentDeps & BillingDeps & TakedownDeps & EndedCasesDeps & RetentionDeps & SealingDeps & ReportDeps & CustomerDeps & Omit<CrmSyncDeps, 'dataSource' | 'logger' | 'sealer'>;

/** The adapters the configuration asks for; an unset URL means the built-in (recording) default. */
export function activityDepsFromConfig(config: AppConfig, dataSource: DataSource, logger: Logger): ActivityDeps {
  return {
    dataSource,
    logger,
    sealer: ReadModelSealer.for(config),
    webhook: config.NOTIFY_WEBHOOK_URL ? new WebhookNotificationSender(config.NOTIFY_WEBHOOK_URL, config.NOTIFY_WEBHOOK_SECRET) : undefined,
    gateway: config.STRIPE_API_KEY ? new StripeGateway({ apiKey: config.STRIPE_API_KEY, baseUrl: config.STRIPE_API_BASE, timeoutMs: 10_000 }) : new SandboxGateway(dataSource),
    crmWebhook: config.CRM_WEBHOOK_URL ? new WebhookNotificationSender(config.CRM_WEBHOOK_URL, config.NOTIFY_WEBHOOK_SECRET) : undefined,
    backlogWebhook: config.BACKLOG_WEBHOOK_URL ? new WebhookNotificationSender(config.BACKLOG_WEBHOOK_URL, config.NOTIFY_WEBHOOK_SECRET) : undefined,
    pager:
      config.PAGERDUTY_EVENTS_URL && config.PAGERDUTY_ROUTING_KEY
        ? new PagerDutyEventsAdapter({ baseUrl: config.PAGERDUTY_EVENTS_URL, routingKey: config.PAGERDUTY_ROUTING_KEY })
        : undefined,
    legalPager:
      config.PAGERDUTY_EVENTS_URL && config.PAGERDUTY_LEGAL_ROUTING_KEY
        ? new PagerDutyEventsAdapter({ baseUrl: config.PAGERDUTY_EVENTS_URL, routingKey: config.PAGERDUTY_LEGAL_ROUTING_KEY })
        : undefined,
    playbackDiagnostics: config.PLAYBACK_DIAGNOSTICS_URL ? new PlaybackDiagnosticsClient(config.PLAYBACK_DIAGNOSTICS_URL, config.PLAYBACK_DIAGNOSTICS_TOKEN) : undefined,
    // Read when a purge run starts, so an edited pack applies from the next run on.
    retentionPolicies: () => {
      const packs = PolicyRegistry.fromDirectory(config.POLICY_DIR);
      return Object.fromEntries(packs.brands().map((brand) => [brand, packs.find(brand)!.retention]));
    },
    accessLogRetentionMonths: config.ACCESS_LOG_RETENTION_MONTHS,
    // Read when a report run starts: an edited pack's new version makes a new version of a report.
    policyPacks: () => PolicyRegistry.fromDirectory(config.POLICY_DIR),
    ...crmDeps(config, dataSource),
    apiBaseUrl: publicApiUrl(config),
  };
}

/**
 * One outside CRM for lookups, the mirror and tasks; without one, the built-in table answers
 * lookups. The worker waits longer than intake's budget: nobody is waiting on these answers.
 */
function crmDeps(config: AppConfig, dataSource: DataSource): Pick<ActivityDeps, 'crm' | 'crmSync'> {
  const outside = crmFrom(config, 20_000);
  return { crm: outside ?? new TableCrm(dataSource), crmSync: outside };
}

/**
 * Every activity the worker registers, built from injected dependencies. Workflows import only
 * the type of this function, so nothing of the worker's world enters the workflow bundle.
 */
export function createActivities(deps: ActivityDeps) {
  return withPermanentFailures(withStorableMessages(createActivityFunctions(deps), MESSAGES_TO_PEOPLE), deps.logger);
}

/** Activities whose text is a message to people, not a case record (storable-text.ts). */
const MESSAGES_TO_PEOPLE = ['sendNotification', 'updateCrm', 'sendTakedownCommunication', 'fileBacklogItems', 'sendPage', 'pageLegalOnCall', 'recordSlaCreditFailure'] as const;

function createActivityFunctions(deps: ActivityDeps) {
  return {
    ...createTicketReadModelActivities(deps),
    ...createNotificationActivities(deps),
    ...createSlaCreditActivities(deps),
    ...createPlaybackChecklistActivities(deps),
    ...createIncidentActivities(deps),
    ...createBillingActivities(deps),
    ...createTakedownActivities(deps),
    ...createOnboardingActivities(deps),
    ...createCustomerActivities(deps),
    ...createCrmSyncActivities(deps),
    ...createCustomerSignalActivities(deps),
    ...createEndedCasesActivities(deps),
    ...createRetentionActivities(deps),
    ...createReportActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
