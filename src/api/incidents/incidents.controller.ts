import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { IncidentView } from '../../workflows/incident/messages';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { KnownPolicyFilters } from '../input/known-policy-filters.pipe';
import { checkIdempotencyKey } from '../idempotency/idempotency-key';
import { answerCreate } from '../idempotency/replay-response';
import { Problem } from '../problem/problem';
import { ActorNoteDto, CreateIncidentDto, EscalationPolicyDto, IncidentPriorityDto, LinkTicketDto, ListIncidentNotesQuery, ListIncidentsQuery, ReviewDto, RotationDto, SummaryDto } from './incident.dto';
import { IncidentNotesPage } from './incident-notes';
import { IncidentsService } from './incidents.service';

const NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** Each action is a workflow update whose validator asks the domain: a forbidden one is a 409 naming the state. */
@ApiTags('incidents')
@ApiBearerAuth()
@Controller('v1/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Post()
  @Operation('incidents.declare')
  @ApiOperation({ summary: 'Declare an incident by hand; paging starts at once for paging priorities' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async open(
    @Body() dto: CreateIncidentDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() caller: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IncidentView> {
    const { incident, replayed } = await this.incidents.open(dto, checkIdempotencyKey(idempotencyKey), caller);
    answerCreate(res, replayed, `/v1/incidents/${incident.id}`);
    return incident;
  }

  @Get()
  @Operation('incidents.list')
  @ApiOperation({ summary: 'List incidents (read model), newest first' })
  list(@Query(KnownPolicyFilters) q: ListIncidentsQuery, @CurrentPrincipal() caller: Principal) {
    return this.incidents.list(q, caller);
  }

  @Get(':id')
  @Operation('incidents.read')
  @ApiOperation({ summary: 'Read an incident: status, SLA clocks, pages sent and their answers' })
  async get(@Param('id') id: string, @CurrentPrincipal() caller: Principal, @Res({ passthrough: true }) res: Response): Promise<IncidentView> {
    const { incident, source } = await this.incidents.read(id, caller);
    res.setHeader('Caseworks-Source', source);
    return incident;
  }

  @Get(':id/events')
  @Operation('incidents.events')
  @ApiOperation({ summary: 'The incident history: every action with actor and time, every page and SLA event' })
  events(@Param('id') id: string, @CurrentPrincipal() caller: Principal) {
    return this.incidents.events(id, caller);
  }

  @Get(':id/notes')
  @Operation('incidents.notes')
  @ApiOperation({ summary: "Every note in full, oldest first, paginated (the incident's view shows the last 20, each cut to 500 characters)" })
  @ApiOkResponse({ type: IncidentNotesPage })
  notes(@Param('id') id: string, @Query() q: ListIncidentNotesQuery, @CurrentPrincipal() caller: Principal): Promise<IncidentNotesPage> {
    return this.incidents.notes(id, q, caller);
  }

  @Post(':id/acknowledge')
  @Operation('incidents.acknowledge')
  @HttpCode(200)
  acknowledge(@Param('id') id: string, @CurrentPrincipal() caller: Principal) {
    return this.incidents.acknowledge(id, caller);
  }

  @Post(':id/note')
  @Operation('incidents.note')
  @HttpCode(200)
  note(@Param('id') id: string, @Body() dto: ActorNoteDto, @CurrentPrincipal() caller: Principal) {
    return this.incidents.note(id, dto.text, caller);
  }

  @Post(':id/mitigate')
  @Operation('incidents.mitigate')
  @HttpCode(200)
  mitigate(@Param('id') id: string, @Body() dto: SummaryDto, @CurrentPrincipal() caller: Principal) {
    return this.incidents.mitigate(id, dto.summary, caller);
  }

  @Post(':id/resolve')
  @Operation('incidents.resolve')
  @HttpCode(200)
  resolve(@Param('id') id: string, @Body() dto: SummaryDto, @CurrentPrincipal() caller: Principal) {
    return this.incidents.resolve(id, dto.summary, caller);
  }

  @Post(':id/priority')
  @Operation('incidents.priority')
  @HttpCode(200)
  priority(@Param('id') id: string, @Body() dto: IncidentPriorityDto, @CurrentPrincipal() caller: Principal) {
    return this.incidents.priority(id, dto, caller);
  }

  @Post(':id/link-ticket')
  @Operation('incidents.linkTicket')
  @HttpCode(200)
  linkTicket(@Param('id') id: string, @Body() dto: LinkTicketDto, @CurrentPrincipal() caller: Principal) {
    return this.incidents.linkTicket(id, dto.ticketId, caller);
  }

  @Post(':id/review')
  @Operation('incidents.review')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit the post-incident review (required before a P1 closes)' })
  review(@Param('id') id: string, @Body() dto: ReviewDto, @CurrentPrincipal() caller: Principal) {
    return this.incidents.review(id, dto, caller);
  }

  @Post(':id/close')
  @Operation('incidents.close')
  @HttpCode(200)
  close(@Param('id') id: string, @CurrentPrincipal() caller: Principal) {
    return this.incidents.close(id, caller);
  }
}

/** On-call rotations and escalation policies, kept in PostgreSQL and read when a page goes out. */
@ApiTags('on-call')
@ApiBearerAuth()
@Controller('v1')
export class OnCallController {
  constructor(private readonly incidents: IncidentsService) {}

  @Put('oncall/rotations/:name')
  @Operation('oncall.rotations.put')
  @ApiOperation({ summary: 'Create or replace a rotation (participants hand over every `shift`)' })
  putRotation(@Param('name') name: string, @Body() dto: RotationDto) {
    if (!NAME.test(name)) throw Problem.validation([{ field: 'path:name', message: 'letters, digits, . _ - (1–100)' }]);
    return this.incidents.putRotation(name, dto);
  }

  @Get('oncall/rotations')
  @Operation('oncall.rotations.list')
  listRotations() {
    return this.incidents.listRotations();
  }

  @Put('escalation-policies/:id')
  @Operation('escalationPolicies.put')
  @ApiOperation({ summary: 'Create or replace an escalation policy for a brand and its priorities' })
  putPolicy(@Param('id') id: string, @Body() dto: EscalationPolicyDto) {
    if (!NAME.test(id)) throw Problem.validation([{ field: 'path:id', message: 'letters, digits, . _ - (1–100)' }]);
    return this.incidents.putEscalationPolicy(id, dto);
  }

  @Get('escalation-policies')
  @Operation('escalationPolicies.list')
  listPolicies() {
    return this.incidents.listEscalationPolicies();
  }
}
