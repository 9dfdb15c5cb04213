import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';

/** An account ID (accounts.id): the same slug `make key ACCOUNT=…` takes. */
export const ACCOUNT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const ACCOUNT_ID_MESSAGE = 'an account ID is 1–64 lower-case letters, digits, . _ or - (acme)';
/** Ticket IDs as the API makes them (ticket-ids.ts); anything else names no ticket. */
const TICKET_ID = /^ticket-[a-z0-9]{26}$/;
/** Per call: a backfill runs in batches, each a bounded transaction and a bounded access-log burst. */
export const MAX_ADOPT_SELECTORS = 500;

export class CreateAccountDto {
  @ApiProperty({ example: 'acme', description: 'The account ID (a slug): client keys and tickets name it.' })
  @IsString()
  @Matches(ACCOUNT_ID, { message: ACCOUNT_ID_MESSAGE })
  id: string;

  @ApiProperty({ example: 'uoozee', description: "The brand whose customer the organisation is: its keys open and see that brand's tickets only." })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]*$/, { message: 'a brand is a lower-case slug (uoozee)' })
  @Length(1, 64)
  brand: string;

  @ApiPropertyOptional({ example: 'Acme Streaming Ltd', description: 'Display name (default: the ID).' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class AssignKeyAccountDto {
  @ApiProperty({ example: 'acme', description: 'The account the client key belongs to from now on (it then sees that account’s tickets).' })
  @IsString()
  @Matches(ACCOUNT_ID, { message: ACCOUNT_ID_MESSAGE })
  account: string;
}

export class AdoptTicketsDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['cust_4711'],
    description: "Customers (their references in the CRM, as tickets were opened with) whose tickets without an account join this account.",
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ADOPT_SELECTORS)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  customerRefs?: string[];

  @ApiPropertyOptional({ type: [String], example: ['ticket-01jz3k4m5n6p7q8r9s0t1v2w3x'], description: 'Tickets (by ID) that join this account, if they have none yet.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ADOPT_SELECTORS)
  @IsString({ each: true })
  @Matches(TICKET_ID, { each: true, message: 'each ticket ID looks like ticket-…' })
  ticketIds?: string[];
}
