import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TransparencyCounts } from '../../domain/takedown/statement-of-reasons';
import { computeTransparencyCounts, readTransparencySnapshot } from '../../persistence/takedown-transparency';
import { Problem } from '../problem/problem';

/**
 * The figures, and where they come from: `snapshot` — stored by the yearly schedule
 * (transparency_reports), as of generatedAt; `live` — computed now from the read model.
 */
export type TransparencyReport = TransparencyCounts & { source: 'snapshot' | 'live'; generatedAt: string };

/** The yearly transparency report: counts over the notices received in the year (UTC), as each case stands now, or as the stored snapshot has them. */
@Injectable()
export class TransparencyService {
  constructor(private readonly dataSource: DataSource) {}

  async report(year: number, source?: 'snapshot' | 'live'): Promise<TransparencyReport> {
    if (source !== 'live') {
      const snapshot = await readTransparencySnapshot(this.dataSource, year);
      if (snapshot) return { ...snapshot.counts, source: 'snapshot', generatedAt: snapshot.generatedAt };
      if (source === 'snapshot') throw Problem.notFound('transparency report snapshot', String(year));
    }
    return { ...(await computeTransparencyCounts(this.dataSource, year)), source: 'live', generatedAt: new Date().toISOString() };
  }
}

/** One row per figure: `section,key,value` (key empty for top-level figures). */
export function transparencyCsv(counts: TransparencyReport): string {
  const rows: string[] = ['section,key,value'];
  for (const [section, value] of Object.entries(counts)) {
    if (value !== null && typeof value === 'object') {
      for (const [key, n] of Object.entries(value as Record<string, number>)) rows.push(`${section},${key},${n}`);
    } else {
      rows.push(`${section},,${value ?? ''}`);
    }
  }
  return rows.join('\n') + '\n';
}
