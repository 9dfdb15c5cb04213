import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * A takedown case's notes in full, from the read model (takedown_events, type `note`). The case's
 * view holds only the latest few (`notes`, with `notesTotal` / `notesTruncated`): a case may take
 * thousands of notes, and its workflow must not carry them all.
 */
export class TakedownNote {
  @ApiProperty({ example: 'legal-ines' })
  actor: string;

  @ApiProperty({ example: 'Court ruled for the notifier on 2027-02-03.' })
  text: string;

  @ApiProperty({ example: '2026-12-03T12:00:00.000Z' })
  at: string;

  @ApiPropertyOptional({ description: "The case's number for the change; null for notes recorded before numbering", nullable: true, type: Number })
  seq: number | null;
}

export class TakedownNotesPage {
  @ApiProperty({ type: [TakedownNote] })
  items: TakedownNote[];

  @ApiProperty({ description: 'How many notes the case has in all' })
  total: number;

  @ApiProperty({ description: 'Pass as `cursor` for the next page; null on the last page', nullable: true, type: String })
  nextCursor: string | null;
}
