import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { Operation } from '../auth/roles.decorator';
import { ApiProblems } from '../problem/api-problems';
import { TransparencyQuery } from './takedown.dto';
import { TransparencyReportResponse } from './takedown.response';
import { TransparencyReport, transparencyCsv, TransparencyService } from './transparency.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports/transparency')
export class TransparencyController {
  constructor(private readonly transparency: TransparencyService) {}

  @Get()
  @Operation('reports.transparency')
  @ApiOperation({
    summary:
      'Yearly takedown transparency counts: notices by legal basis, regime, claimed jurisdiction and notifier role, decisions, actions by measure (remove / geo-restrict / restore / no action) and ground (legal / contractual), median and p90 time to decision, counter-notices, complaints, retention requests, safety escalations and legal on-call pages (JSON or CSV). ' +
      'The snapshot the yearly schedule stored is served when there is one (source: snapshot, generatedAt; header Caseworks-Source)',
  })
  @ApiExtraModels(TransparencyReportResponse)
  @ApiOkResponse({
    description: 'The counts (header Caseworks-Source: snapshot or live); ?format=csv: the same as a CSV attachment',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(TransparencyReportResponse) } },
      'text/csv': { schema: { type: 'string', description: 'One row per count' } },
    },
  })
  @ApiProblems([404, 'source=snapshot, and no snapshot was stored for the year'])
  async report(@Query() q: TransparencyQuery, @Res({ passthrough: true }) res: Response): Promise<TransparencyReport | string> {
    const counts = await this.transparency.report(q.year, q.source);
    res.setHeader('Caseworks-Source', counts.source);
    if (q.format !== 'csv') return counts;
    res.type('text/csv').setHeader('Content-Disposition', `attachment; filename="transparency-${q.year}.csv"`);
    return transparencyCsv(counts);
  }
}
