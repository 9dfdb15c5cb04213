import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { accessorOf } from '../access-log/accessor';
import type { AuthenticatedRequest } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { ApiProblems } from '../problem/api-problems';
import { ErasureService } from './erasure.service';
import { ErasureReceiptResponse } from './privacy.response';

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
  @ApiCreatedResponse({ type: ErasureReceiptResponse, description: 'Erased: the receipt (no personal data)' })
  @ApiOkResponse({ type: ErasureReceiptResponse, description: 'Already erased: the earlier receipt' })
  @ApiProblems(
    [404, 'Nothing is held about this subject (and it was never erased)'],
    [409, 'A legal hold preserves one of the cases (named), or erasure is unavailable (no per-case payload keys); nothing was erased'],
  )
  async erase(@Param('customerRef') customerRef: string, @Req() req: Request & AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<ErasureReceiptResponse> {
    const { receipt, replayed } = await this.erasures.erase(customerRef, accessorOf(req)!);
    if (replayed) res.status(200);
    return receipt;
  }
}
