import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CancelNowDto {
  @ApiProperty({ example: 'customer asked to cancel instead of updating the card', description: 'Why (no card data)' })
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class RetentionOfferDto {
  @ApiProperty({ example: '3 months at 50 %', description: 'The offer the customer accepted' })
  @IsString()
  @Length(1, 200)
  offer: string;
}
