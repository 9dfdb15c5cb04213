import { AccessLogRow } from './access-log.entity';
import { AccountRow } from './account.entity';
import { ApiKeyRow } from './api-key.entity';
import { TicketEventRow } from './ticket-event.entity';
import { TicketRow } from './ticket.entity';

export { AccessLogRow, AccountRow, ApiKeyRow, TicketEventRow, TicketRow };
export const ENTITIES = [ApiKeyRow, AccountRow, TicketRow, TicketEventRow, AccessLogRow];
