import { Foundation1764000000000 } from './1764000000000-foundation';
import { SlaEngine1764100000000 } from './1764100000000-sla-engine';
import { PlaybackChecks1764200000000 } from './1764200000000-playback-checks';
import { Incidents1764300000000 } from './1764300000000-incidents';
import { IncidentReviews1764400000000 } from './1764400000000-incident-reviews';
import { Billing1764500000000 } from './1764500000000-billing';
import { Takedowns1764600000000 } from './1764600000000-takedowns';
import { TakedownPreservations1764760000000 } from './1764760000000-takedown-preservations';
import { TransparencyReports1764770000000 } from './1764770000000-transparency-reports';
import { BillingSlaCreditSettlement1764780000000 } from './1764780000000-billing-sla-credit-settlement';
import { TakedownEventsAppendOnly1764900000000 } from './1764900000000-takedown-events-append-only';
import { IdempotencyRequests1764960000000 } from './1764960000000-idempotency-requests';
import { CaseVersions1765100000000 } from './1765100000000-case-versions';
import { KeyScopes1765200000000 } from './1765200000000-key-scopes';
import { AccessLog1765300000000 } from './1765300000000-access-log';
import { Retention1765400000000 } from './1765400000000-retention';
import { CaseKeys1765500000000 } from './1765500000000-case-keys';
import { SlaCreditSealedRef1765600000000 } from './1765600000000-sla-credit-sealed-ref';
import { TakedownReportColumns1765620000000 } from './1765620000000-takedown-report-columns';
import { RetentionAccessLog1765630000000 } from './1765630000000-retention-access-log';
import { ReportColumns1765700000000 } from './1765700000000-report-columns';
import { TicketQueueWait1765800000000 } from './1765800000000-ticket-queue-wait';
import { TicketReportFields1765810000000 } from './1765810000000-ticket-report-fields';
import { Reports1765820000000 } from './1765820000000-reports';
import { LegalDesk1765830000000 } from './1765830000000-legal-desk';
import { Agents1765840000000 } from './1765840000000-agents';

/** Listed explicitly (not globbed) so the same list works from ts-node, jest and dist/. */
export const MIGRATIONS = [Foundation1764000000000, SlaEngine1764100000000, PlaybackChecks1764200000000, Incidents1764300000000, IncidentReviews1764400000000, Billing1764500000000, Takedowns1764600000000, TakedownPreservations1764760000000, TransparencyReports1764770000000, BillingSlaCreditSettlement1764780000000, TakedownEventsAppendOnly1764900000000, IdempotencyRequests1764960000000, CaseVersions1765100000000, KeyScopes1765200000000, AccessLog1765300000000, Retention1765400000000, CaseKeys1765500000000, SlaCreditSealedRef1765600000000, TakedownReportColumns1765620000000, RetentionAccessLog1765630000000, ReportColumns1765700000000, TicketQueueWait1765800000000, TicketReportFields1765810000000, Reports1765820000000, LegalDesk1765830000000, Agents1765840000000];
