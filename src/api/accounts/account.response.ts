import { ApiProperty } from '@nestjs/swagger';
import type { AccountView, BackfillStatus, UnassignedKey, UnassignedTickets } from './account-backfill.service';
import type { ApiKeyView } from './api-keys.controller';
import type { AdoptionResult } from './ticket-adoption.service';

export class AccountResponse implements AccountView {
  @ApiProperty({ example: 'acme-media' }) id: string;
  @ApiProperty({ nullable: true, type: String, description: 'The brand the account is a customer of (null: none)' }) brand: string | null;
  @ApiProperty() name: string;
  @ApiProperty() createdAt: string;
}

class UnassignedKeyResponse implements UnassignedKey {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() keyPrefix: string;
  @ApiProperty() createdAt: string;
}

class UnassignedTicketsResponse implements UnassignedTickets {
  @ApiProperty() brand: string;
  @ApiProperty() count: number;
  @ApiProperty() oldestOpenedAt: string;
  @ApiProperty() newestOpenedAt: string;
}

class KeysWithoutAccountResponse {
  @ApiProperty() count: number;
  @ApiProperty({ type: [UnassignedKeyResponse] }) keys: UnassignedKeyResponse[];
}

class TicketsWithoutAccountResponse {
  @ApiProperty() count: number;
  @ApiProperty({ type: [UnassignedTicketsResponse] }) byBrand: UnassignedTicketsResponse[];
}

/** What is left of moving onto accounts: names of keys and counts, no customer data. */
export class BackfillStatusResponse implements BackfillStatus {
  @ApiProperty({ type: KeysWithoutAccountResponse, description: 'Live client keys without an account: they see no tickets' }) clientKeysWithoutAccount: KeysWithoutAccountResponse;
  @ApiProperty({ type: TicketsWithoutAccountResponse, description: 'Tickets without an account, per brand: no client key sees them' }) ticketsWithoutAccount: TicketsWithoutAccountResponse;
  @ApiProperty({ description: 'Every client key has an account, every ticket too' }) done: boolean;
}

export class AdoptionResultResponse implements AdoptionResult {
  @ApiProperty() account: string;
  @ApiProperty({ nullable: true, type: String, description: "The account's brand: only its tickets are adopted" }) brand: string | null;
  @ApiProperty({ description: 'Tickets the customers and IDs given name' }) matched: number;
  @ApiProperty({ description: 'Tickets that had no account and now belong to this one' }) adopted: number;
  @ApiProperty({ description: "Already this account's" }) alreadyInAccount: number;
  @ApiProperty({ description: "Another account's: never moved" }) inOtherAccount: number;
  @ApiProperty({ description: "Of another brand than the account's: left alone" }) otherBrand: number;
  @ApiProperty({ description: 'Ticket IDs given that name no ticket' }) unknownTicketIds: number;
}

/** An API key as operations see it: never the key or its hash. */
export class ApiKeyResponse implements ApiKeyView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'client' }) role: string;
  @ApiProperty({ description: 'The first characters of the key, to recognise it' }) keyPrefix: string;
  @ApiProperty({ nullable: true, type: String }) account: string | null;
  @ApiProperty({ nullable: true, type: String }) brand: string | null;
  @ApiProperty() createdAt: string;
}
