import { PeriodQuery } from '../reports/report-period.dto';

/** `GET /v1/accounts/me/sla?from=&to=`: the period, as the reports take it. */
export class AccountSlaQuery extends PeriodQuery {}
