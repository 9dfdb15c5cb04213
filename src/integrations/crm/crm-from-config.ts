import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import type { CrmPort, CustomerLookup } from './crm-port';
import { HubSpotCrm } from './hubspot-crm';
import { TableCrm } from './table-crm';

/**
 * The CRM the configuration names (CRM_PROVIDER): HubSpot, or the built-in customers table.
 * `timeoutMs`: how long one request may take (default the intake budget).
 */
export function customerLookupFrom(config: AppConfig, dataSource: DataSource, timeoutMs = config.CRM_LOOKUP_BUDGET_MS): CustomerLookup {
  return crmFrom(config, timeoutMs) ?? new TableCrm(dataSource);
}

/** The outside CRM cases are mirrored into; undefined with the built-in CRM (the read model is its own record). */
export function crmFrom(config: AppConfig, timeoutMs = config.CRM_LOOKUP_BUDGET_MS): CrmPort | undefined {
  if (config.CRM_PROVIDER !== 'hubspot') return undefined;
  return new HubSpotCrm({ accessToken: config.HUBSPOT_ACCESS_TOKEN!, baseUrl: config.HUBSPOT_API_BASE, customerIdProperty: config.HUBSPOT_CUSTOMER_ID_PROPERTY, timeoutMs });
}
