import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { IncidentView } from '../../workflows/incident/messages';
import { Operation } from '../auth/roles.decorator';
import { PublicStatusResponse } from './incident.response';

/** What the public may see of an incident: no notes, no people, no pages, no fingerprints. */
export interface PublicIncident {
  id: string;
  title: string;
  impact: string | null;
  status: string;
  startedAt: string;
  /** Status changes with their times, newest first. */
  updates: { status: string; at: string }[];
}

/** The public status page's data: active incidents only, with their public fields. */
@ApiTags('status')
@Controller('v1/status')
export class StatusController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @Operation('status.read')
  @ApiOperation({ summary: 'Public status: active incidents with title, impact, status and updates (no key needed)' })
  @ApiOkResponse({ type: PublicStatusResponse })
  async status(): Promise<PublicStatusResponse> {
    const rows: { snapshot: IncidentView }[] = await this.dataSource.query(
      `SELECT snapshot FROM incidents WHERE status IN ('triggered', 'acknowledged', 'mitigated') ORDER BY opened_at DESC LIMIT 50`,
    );
    const incidents = rows.map(({ snapshot: v }) => ({
      id: v.id,
      title: v.title,
      impact: v.impact,
      status: v.status === 'mitigated' ? 'monitoring' : v.status === 'acknowledged' ? 'investigating' : 'identified',
      startedAt: v.openedAt,
      updates: [
        ...(v.mitigatedAt ? [{ status: 'monitoring', at: v.mitigatedAt }] : []),
        ...(v.acknowledgedAt ? [{ status: 'investigating', at: v.acknowledgedAt }] : []),
        { status: 'identified', at: v.openedAt },
      ],
    }));
    return { status: incidents.length ? 'incident' : 'operational', incidents };
  }
}
