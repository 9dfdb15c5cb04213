import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiExtraModels, ApiOperation, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { z } from 'zod';
import { AlertFieldError, AlertSignal, ALERT_SEVERITIES, fromPagerDutyEvent, normalizeAlertKind } from '../../domain/incident/alert';
import { Operation } from '../auth/roles.decorator';
import { ApiProblems } from '../problem/api-problems';
import { Problem } from '../problem/problem';
import { AlertAcceptedResponse, PagerDutyEventAcceptedResponse } from './incident.response';
import { IncidentsService } from './incidents.service';

/** Caseworks' own alert shape. */
const nativeAlert = z
  .object({
    brand: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lower-case brand slug'),
    source: z.string().trim().min(1).max(200),
    kind: z.string().trim().min(1).max(100),
    service: z.string().trim().min(1).max(200),
    region: z.string().trim().min(1).max(100).nullable().default(null),
    edge: z.string().trim().min(1).max(100).nullable().default(null),
    count: z.number().int().min(1).max(1_000_000).default(1),
    occurredAt: z.string().datetime({ offset: true }).optional(),
    summary: z.string().trim().min(1).max(1024),
    severity: z.enum(ALERT_SEVERITIES).default('error'),
    dedupKey: z.string().min(1).max(255).nullable().default(null),
    details: z.record(z.unknown()).default({}),
  })
  .strict();

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('v1/alerts')
export class AlertsController {
  constructor(private readonly incidents: IncidentsService) {}

  /**
   * Monitors send alerts here; each is counted towards its fingerprint's alert group, which opens
   * an incident when the brand's rule for the signature is crossed. A PagerDuty Events v2 body is
   * accepted as is (with ?brand=), so existing monitors can point at Caseworks unchanged.
   */
  @Post()
  @Operation('alerts.ingest')
  @HttpCode(202)
  @ApiOperation({ summary: 'Ingest an alert (Caseworks shape, or a PagerDuty Events API v2 body with ?brand=)' })
  @ApiQuery({ name: 'brand', required: false, description: 'For PagerDuty-shaped bodies: whose rules apply.' })
  @ApiBody({
    schema: {
      example: { brand: 'uoozee', source: 'prometheus', kind: 'http_5xx', service: 'playback-api', region: 'eu-west-1', count: 12, summary: 'playback-api 5xx above 2 %', severity: 'critical' },
    },
  })
  @ApiExtraModels(AlertAcceptedResponse, PagerDutyEventAcceptedResponse)
  @ApiAcceptedResponse({
    description: 'Taken: a Caseworks alert answers its alert group; a PagerDuty body is answered as PagerDuty does',
    schema: { oneOf: [{ $ref: getSchemaPath(AlertAcceptedResponse) }, { $ref: getSchemaPath(PagerDutyEventAcceptedResponse) }] },
  })
  @ApiProblems([422, 'No incident policy for the brand'])
  async ingest(@Body() body: unknown, @Query('brand') brandParam: string | undefined): Promise<Record<string, unknown>> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw Problem.validation([{ field: 'body', message: 'a JSON object' }]);
    const now = Date.now();
    if ('event_action' in body || 'routing_key' in body) {
      if (!brandParam) throw Problem.validation([{ field: 'query:brand', message: 'required with a PagerDuty Events v2 body' }]);
      let intake: ReturnType<typeof fromPagerDutyEvent>;
      try {
        intake = fromPagerDutyEvent(body, now);
      } catch (err) {
        if (err instanceof AlertFieldError) throw Problem.validation([{ field: err.field, message: err.message }]);
        throw err;
      }
      if (intake.action === 'trigger') {
        const { fingerprint } = await this.incidents.ingest(brandParam, intake.signal);
        return { status: 'success', message: 'Event processed', dedup_key: intake.dedupKey ?? fingerprint };
      }
      if (intake.action === 'resolve') {
        // Like PagerDuty, a resolve that finds nothing open is taken (202) and discarded; the
        // message says so, rather than suggesting an incident was resolved.
        const { openIncident } = await this.incidents.monitorResolved(brandParam, intake.dedupKey);
        const message = openIncident === null ? 'Event processed; no open incident for this dedup_key, nothing was resolved' : 'Event processed';
        return { status: 'success', message, dedup_key: intake.dedupKey };
      }
      // A monitor's "acknowledge" is not a person acknowledging: taken, and nothing changes.
      return { status: 'success', message: 'Event processed', dedup_key: intake.dedupKey };
    }
    const parsed = nativeAlert.safeParse(body);
    if (!parsed.success) {
      throw Problem.validation(parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })));
    }
    const a = parsed.data;
    const signal: AlertSignal = {
      source: a.source,
      kind: normalizeAlertKind(a.kind),
      service: a.service,
      region: a.region,
      edge: a.edge,
      count: a.count,
      occurredAt: a.occurredAt ? Date.parse(a.occurredAt) : now,
      summary: a.summary,
      severity: a.severity,
      dedupKey: a.dedupKey,
      details: a.details,
    };
    const { fingerprint, alertGroup } = await this.incidents.ingest(a.brand, signal);
    return { status: 'accepted', fingerprint, alertGroup };
  }
}
