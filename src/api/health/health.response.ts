import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LiveResponse {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

export class DependencyCheckResponse {
  @ApiProperty({ enum: ['up', 'down'] }) status: 'up' | 'down';
  @ApiPropertyOptional({ description: 'Why it is down' }) error?: string;
}

class ReadyChecksResponse {
  @ApiProperty({ type: DependencyCheckResponse }) postgres: DependencyCheckResponse;
  @ApiProperty({ type: DependencyCheckResponse }) temporal: DependencyCheckResponse;
}

export class ReadyResponse {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
  @ApiProperty({ type: ReadyChecksResponse }) checks: Record<string, DependencyCheckResponse>;
}
