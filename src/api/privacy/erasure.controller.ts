import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { accessorOf } from '../access-log/accessor';
import type { AuthenticatedRequest } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { ErasureReceipt, ErasureService } from './erasure.service';

@ApiTags('privacy')
@ApiBearerAuth()
@Controller('v1/privacy/subjects')
export class ErasureController {
  constructor(private readonly erasures: ErasureService) {}

  @Post(':customerRef/erase')
  @Operation('privacy.erase')
  @HttpCode(201)
  @ApiOperation({
    summary:
      "Erase a data subject (crypto-shredding): destroy the data keys of the subject's cases, so their payloads in Temporal histories and backups become unreadable, and scrub the read model's personal data; counts and SLA figures stay",
  })
  @ApiParam({ name: 'customerRef', description: "The customer's reference (tickets, refunds), the gateway's customer ID (dunning) or a takedown notifier's e-mail address" })
  @ApiResponse({ status: 201, description: 'Erased: the receipt (no personal data)' })
  @ApiResponse({ status: 200, description: 'Already erased: the earlier receipt' })
  @ApiResponse({ status: 404, description: 'Nothing is held about this subject (and it was never erased)' })
  @ApiResponse({ status: 409, description: 'A legal hold preserves one of the cases (named); nothing was erased' })
  async erase(@Param('customerRef') customerRef: string, @Req() req: Request & AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<ErasureReceipt> {
    const { receipt, replayed } = await this.erasures.erase(customerRef, accessorOf(req)!);
    if (replayed) res.status(200);
    return receipt;
  }
}
