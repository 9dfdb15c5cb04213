import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isoWeekOf, isoWeekRange } from '../../domain/reporting/iso-week';
import type { SlaClockState } from '../../domain/sla/clock';
import { Problem } from '../problem/problem';

/** What the weekly report reads of an incident's row. */
interface IncidentReportRow {
  id: string;
  priority: string;
  opened_at: Date;
  acknowledged_at: Date | null;
  mitigated_at: Date | null;
  sla_first_response_state: SlaClockState | null;
  sla_mitigation_state: SlaClockState | null;
  sla_resolution_state: SlaClockState | null;
  review_due_at: Date | null;
  reviewed_at: Date | null;
}

const median = (xs: number[]): number | null => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const mean = (xs: number[]): number | null => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

/**
 * The weekly escalation-adherence report (000_…txt: "Track escalation adherence weekly"): for
 * incidents opened in the ISO week, time to acknowledge and to mitigate, the share within SLA,
 * pages sent and escalations (pages beyond the first level), and P1 reviews.
 */
@Injectable()
export class IncidentReportService {
  constructor(private readonly dataSource: DataSource) {}

  async weekly(week: string | undefined, brand: string | undefined, now = Date.now()) {
    const name = week ?? isoWeekOf(now);
    const range = isoWeekRange(name);
    if (!range) throw Problem.validation([{ field: 'query:week', message: 'an ISO week like 2026-W48' }]);
    // Columns the write layer keeps for this report (read-model/incident-records.ts), not the snapshot.
    const incidents: IncidentReportRow[] = await this.dataSource.query(
      `SELECT id, priority, opened_at, acknowledged_at, mitigated_at, sla_first_response_state, sla_mitigation_state, sla_resolution_state, review_due_at, reviewed_at
         FROM incidents WHERE opened_at >= $1 AND opened_at < $2 AND ($3::text IS NULL OR brand = $3) ORDER BY opened_at`,
      [range.from, range.to, brand ?? null],
    );
    const ids = incidents.map((i) => i.id);
    const pages: { pages: number; escalations: number }[] = ids.length
      ? await this.dataSource.query(`SELECT count(*)::int AS pages, count(*) FILTER (WHERE step > 0)::int AS escalations FROM pages WHERE incident_id = ANY($1)`, [ids])
      : [{ pages: 0, escalations: 0 }];
    const seconds = (from: Date, to: Date | null) => (to === null ? null : (to.getTime() - from.getTime()) / 1000);
    const tta = incidents.flatMap((i) => seconds(i.opened_at, i.acknowledged_at) ?? []);
    const ttm = incidents.flatMap((i) => seconds(i.opened_at, i.mitigated_at) ?? []);
    const within = (column: 'sla_first_response_state' | 'sla_mitigation_state' | 'sla_resolution_state') => {
      const settled = incidents.map((i) => i[column]).filter((state) => state === 'met' || state === 'breached');
      const met = settled.filter((state) => state === 'met').length;
      return { met, breached: settled.length - met, share: settled.length ? Math.round((met / settled.length) * 1000) / 1000 : null };
    };
    const reviewsDue = incidents.filter((i) => i.review_due_at !== null);
    const byPriority: Record<string, number> = {};
    for (const i of incidents) byPriority[i.priority] = (byPriority[i.priority] ?? 0) + 1;
    return {
      week: name,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      brand: brand ?? null,
      incidents: incidents.length,
      byPriority,
      timeToAcknowledgeSeconds: { median: median(tta), mean: mean(tta), n: tta.length },
      timeToMitigateSeconds: { median: median(ttm), mean: mean(ttm), n: ttm.length },
      withinSla: { acknowledgement: within('sla_first_response_state'), mitigation: within('sla_mitigation_state'), resolution: within('sla_resolution_state') },
      pagesSent: pages[0].pages,
      escalations: pages[0].escalations,
      reviews: {
        due: reviewsDue.length,
        submitted: reviewsDue.filter((i) => i.reviewed_at !== null).length,
        onTime: reviewsDue.filter((i) => i.reviewed_at !== null && i.reviewed_at.getTime() <= i.review_due_at!.getTime()).length,
      },
    };
  }
}
