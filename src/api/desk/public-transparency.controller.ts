import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Operation } from '../auth/roles.decorator';
import { Problem } from '../problem/problem';
import { createValidationPipe } from '../problem/validation';
import { TransparencyQuery } from '../takedowns/takedown.dto';
import { TransparencyService } from '../takedowns/transparency.service';
import { sendPage } from './desk-layout';
import { DeskStore } from './desk-store';
import { transparencyBody } from './desk-views';
import type { FieldError } from '../problem/problem';

const validation = createValidationPipe();

/**
 * The published transparency report, for anyone (seed 000: "public transparency report"): the
 * figures the yearly schedule stored for a year, never live counts of a year still running. The
 * figures are counts only — no notice, notifier or case appears. Legal staff see live figures on
 * the desk (/desk/transparency) and through the API.
 */
@ApiExcludeController()
@Controller('transparency')
export class PublicTransparencyController {
  constructor(
    private readonly transparency: TransparencyService,
    private readonly store: DeskStore,
  ) {}

  @Get()
  @Operation('transparency.public')
  async report(@Res() res: Response, @Query('year') yearParam?: string): Promise<void> {
    const years = await this.store.publishedYears();
    const year = yearParam ?? String(years[0] ?? new Date().getUTCFullYear());
    let q: TransparencyQuery;
    try {
      q = (await validation.transform({ year }, { type: 'query', metatype: TransparencyQuery })) as TransparencyQuery;
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      const errors = Array.isArray(err.extensions.errors) ? (err.extensions.errors as FieldError[]) : [];
      return sendPage(res, { title: 'Transparency report', status: 400, body: transparencyBody({ report: null, year: new Date().getUTCFullYear(), years, desk: false, errors }) });
    }
    const report = years.includes(q.year) ? await this.transparency.report(q.year, 'snapshot') : null;
    sendPage(res, { title: `Transparency report ${q.year}`, body: transparencyBody({ report, year: q.year, years, desk: false }) });
  }
}
