import { ApiKeyRow } from './api-key.entity';
import { TicketEventRow } from './ticket-event.entity';
import { TicketRow } from './ticket.entity';

export { ApiKeyRow, TicketEventRow, TicketRow };
export const ENTITIES = [ApiKeyRow, TicketRow, TicketEventRow];
