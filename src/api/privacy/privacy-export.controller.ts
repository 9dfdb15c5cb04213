import { Controller, Get, Param, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { ApiProblems } from '../problem/api-problems';
import { Problem } from '../problem/problem';
import { SubjectExportResponse } from './privacy.response';
import { AccessLogService } from '../access-log/access-log.service';
import { accessorOf } from '../access-log/accessor';
import type { AuthenticatedRequest } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { EXPORT_SECTIONS, PrivacyExportService } from './privacy-export.service';

@ApiTags('privacy')
@ApiBearerAuth()
@Controller('v1/privacy/subjects')
export class PrivacyExportController {
  constructor(
    private readonly exports: PrivacyExportService,
    private readonly accessLog: AccessLogService,
  ) {}

  /**
   * A subject access request's answer: one JSON document, streamed. A subject the read model
   * knows nothing about is a 404 problem ("nothing is held about this data subject"), as erasure
   * answers, and the request is logged all the same.
   */
  @Get(':customerRef/export')
  @Operation('privacy.export')
  @ApiOperation({ summary: "Export everything the read model holds about a data subject: their tickets, billing cases and takedown notices, each with its events and messages, and their SLA credits (one JSON document, streamed)" })
  @ApiParam({ name: 'customerRef', description: "The customer's reference (tickets, refunds), the gateway's customer ID (dunning) or a takedown notifier's e-mail address" })
  @ApiProduces('application/json')
  @ApiOkResponse({ type: SubjectExportResponse, description: 'The export, as an attachment (subject-export.json)' })
  @ApiProblems([404, 'Nothing is held about the subject'], [400, 'Not a customer reference or e-mail address (1–320 characters, no control characters)'])
  async export(@Param('customerRef') customerRef: string, @Req() req: Request & AuthenticatedRequest, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    const subject = PrivacyExportService.checkSubject(customerRef);
    // Logged before the first byte leaves: an export that fails midway was still an access.
    // Section names only; the subject's reference stays out of the log (subject-path.ts).
    const held = await this.exports.holdsAnything(subject);
    await this.accessLog.record({ ...accessorOf(req)!, operation: 'privacy.export', caseId: null, caseKind: null, fields: [...EXPORT_SECTIONS], status: held ? 200 : 404 });
    if (!held) throw new Problem(404, 'not-found', 'Not found', 'nothing is held about this data subject');
    res.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(Readable.from(this.exports.document(subject)), { type: 'application/json; charset=utf-8', disposition: 'attachment; filename="subject-export.json"' });
  }
}
