import { BillingReads } from './billing-reads';
import { IncidentReads } from './incident-reads';
import { OnCallConfig } from './oncall-config';
import { TakedownReads } from './takedown-reads';
import { TicketReads } from './ticket-reads';

export { BillingReads, IncidentReads, OnCallConfig, TakedownReads, TicketReads };
