import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One note of an incident, in full, as the read model keeps it. */
export class IncidentNote {
  @ApiProperty({ example: 'sre-ana' })
  actor: string;

  @ApiProperty({ example: 'Rolled back release 2026.11.25-3' })
  text: string;

  @ApiProperty({ example: '2026-12-03T12:00:00.000Z' })
  at: string;

  @ApiPropertyOptional({ description: "The incident's number for the change; null for notes recorded before numbering", nullable: true, type: Number })
  seq: number | null;
}

export class IncidentNotesPage {
  @ApiProperty({ type: [IncidentNote] })
  items: IncidentNote[];

  @ApiProperty({ description: 'How many notes the incident has in all' })
  total: number;

  @ApiProperty({ description: 'Pass as `cursor` for the next page; null on the last page', nullable: true, type: String })
  nextCursor: string | null;
}
