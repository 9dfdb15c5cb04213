import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { KnownPolicyFilters } from '../input/known-policy-filters.pipe';
import { checkIdempotencyKey } from '../idempotency/idempotency-key';
import { answerCreate } from '../idempotency/replay-response';
import { ApiProblems, CaseActionProblems, CaseReadProblems } from '../problem/api-problems';
import { Problem } from '../problem/problem';
import { CaseEventsResponse } from '../common/case-parts.response';
import { ActorNoteDto, CreateIncidentDto, EscalationPolicyDto, IncidentPriorityDto, LinkTicketDto, MarkEnterpriseDto, ListIncidentNotesQuery, ListIncidentsQuery, ReviewDto, RotationDto, SummaryDto } from './incident.dto';
import { IncidentNotesPage } from './incident-notes';
import { EscalationPolicyListResponse, EscalationPolicyResponse, IncidentListResponse, IncidentResponse, RotationListResponse, RotationResponse } from './incident.response';
import { IncidentsService } from './incidents.service';

/** An incident action's answers: the incident after it, or why the incident refused it. */
const IncidentActionAnswers = (...more: Parameters<typeof CaseActionProblems>) =>
  applyDecorators(ApiOkResponse({ type: IncidentResponse, description: 'The incident after the action' }), CaseActionProblems(...more));

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
  @ApiCreatedResponse({ type: IncidentResponse, description: 'Declared (Location: the incident)' })
  @ApiOkResponse({ type: IncidentResponse, description: 'Replayed: this Idempotency-Key already declared it' })
  @ApiProblems([422, 'Unknown brand or priority, another brand than the key’s, or a reused Idempotency-Key'])
  async open(
    @Body() dto: CreateIncidentDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() caller: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IncidentResponse> {
    const { incident, replayed } = await this.incidents.open(dto, checkIdempotencyKey(idempotencyKey), caller);
    answerCreate(res, replayed, `/v1/incidents/${incident.id}`);
    return incident;
  }

  @Get()
  @Operation('incidents.list')
  @ApiOperation({ summary: 'List incidents (read model), newest first' })
  @ApiOkResponse({ type: IncidentListResponse })
  list(@Query(KnownPolicyFilters) q: ListIncidentsQuery, @CurrentPrincipal() caller: Principal): Promise<IncidentListResponse> {
    return this.incidents.list(q, caller);
  }

  @Get(':id')
  @Operation('incidents.read')
  @ApiOperation({ summary: 'Read an incident: status, SLA clocks, pages sent and their answers' })
  @ApiOkResponse({ type: IncidentResponse, description: 'The incident (header Caseworks-Source: workflow or read-model)' })
  @CaseReadProblems()
  async get(@Param('id') id: string, @CurrentPrincipal() caller: Principal, @Res({ passthrough: true }) res: Response): Promise<IncidentResponse> {
    const { incident, source } = await this.incidents.read(id, caller);
    res.setHeader('Caseworks-Source', source);
    return incident;
  }

  @Get(':id/events')
  @Operation('incidents.events')
  @ApiOperation({ summary: 'The incident history: every action with actor and time, every page and SLA event' })
  @ApiOkResponse({ type: CaseEventsResponse })
  @CaseReadProblems()
  events(@Param('id') id: string, @CurrentPrincipal() caller: Principal): Promise<CaseEventsResponse> {
    return this.incidents.events(id, caller);
  }

  @Get(':id/notes')
  @Operation('incidents.notes')
  @ApiOperation({ summary: "Every note in full, oldest first, paginated (the incident's view shows the last 20, each cut to 500 characters)" })
  @ApiOkResponse({ type: IncidentNotesPage })
  @ApiProblems(404, [400, 'A cursor this API did not issue'])
  notes(@Param('id') id: string, @Query() q: ListIncidentNotesQuery, @CurrentPrincipal() caller: Principal): Promise<IncidentNotesPage> {
    return this.incidents.notes(id, q, caller);
  }

  @Post(':id/acknowledge')
  @Operation('incidents.acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge: a person has seen it; paging stops and the first-response clock is met' })
  @IncidentActionAnswers()
  acknowledge(@Param('id') id: string, @CurrentPrincipal() caller: Principal) {
    return this.incidents.acknowledge(id, caller);
  }

  @Post(':id/note')
  @Operation('incidents.note')
  @HttpCode(200)
  @ApiOperation({ summary: "Add a note to the incident's timeline" })
  @IncidentActionAnswers()
  note(@Param('id') id: string, @Body() dto: ActorNoteDto, @CurrentPrincipal() caller: Principal) {
    return this.incidents.note(id, dto.text, caller);
  }

  @Post(':id/mitigate')
  @Operation('incidents.mitigate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mitigated: customer impact has stopped (the mitigation clock is met); monitoring continues' })
  @IncidentActionAnswers()
  mitigate(@Param('id') id: string, @Body() dto: SummaryDto, @CurrentPrincipal() caller: Principal) {
    return this.incidents.mitigate(id, dto.summary, caller);
  }

  @Post(':id/resolve')
  @Operation('incidents.resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve: the cause is fixed; linked tickets are told and resolve' })
  @IncidentActionAnswers()
  resolve(@Param('id') id: string, @Body() dto: SummaryDto, @CurrentPrincipal() caller: Principal) {
    return this.incidents.resolve(id, dto.summary, caller);
  }

  @Post(':id/priority')
  @Operation('incidents.priority')
  @HttpCode(200)
  @ApiOperation({ summary: "Change priority, with a reason: the new priority's targets apply" })
  @IncidentActionAnswers()
  priority(@Param('id') id: string, @Body() dto: IncidentPriorityDto, @CurrentPrincipal() caller: Principal) {
    return this.incidents.priority(id, dto, caller);
  }

  @Post(':id/enterprise')
  @Operation('incidents.enterprise')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mark the incident as affecting an enterprise customer',
    description:
      "001: \"24×7 for enterprise customers\", \"a named escalation path reaching Level 3 engineering within 4 hours\". From now on the incident runs on the pack's enterprise coverage and enterprise-only engagements apply, due from the opening (at once if already past). Live incidents only; never undone.",
  })
  @IncidentActionAnswers()
  enterprise(@Param('id') id: string, @Body() dto: MarkEnterpriseDto, @CurrentPrincipal() caller: Principal) {
    return this.incidents.markEnterprise(id, dto.reason, caller);
  }

  @Post(':id/link-ticket')
  @Operation('incidents.linkTicket')
  @HttpCode(200)
  @ApiOperation({ summary: 'Link a customer ticket: it is told and resolves when the incident resolves' })
  @IncidentActionAnswers([404, 'No such incident, or no such ticket (field ticketId)'])
  linkTicket(@Param('id') id: string, @Body() dto: LinkTicketDto, @CurrentPrincipal() caller: Principal) {
    return this.incidents.linkTicket(id, dto.ticketId, caller);
  }

  @Post(':id/review')
  @Operation('incidents.review')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit the post-incident review (required before a P1 closes)' })
  @IncidentActionAnswers()
  review(@Param('id') id: string, @Body() dto: ReviewDto, @CurrentPrincipal() caller: Principal) {
    return this.incidents.review(id, dto, caller);
  }

  @Post(':id/close')
  @Operation('incidents.close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close the incident (a P1 needs its post-incident review first)' })
  @IncidentActionAnswers()
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
  @ApiOkResponse({ type: RotationResponse, description: 'The rotation as stored' })
  @ApiProblems([400, 'Not valid: the name (letters, digits, . _ -), a participant, startsAt or shift'])
  putRotation(@Param('name') name: string, @Body() dto: RotationDto): Promise<RotationResponse> {
    if (!NAME.test(name)) throw Problem.validation([{ field: 'path:name', message: 'letters, digits, . _ - (1–100)' }]);
    return this.incidents.putRotation(name, dto);
  }

  @Get('oncall/rotations')
  @Operation('oncall.rotations.list')
  @ApiOperation({ summary: 'Every on-call rotation with its participants and shift' })
  @ApiOkResponse({ type: RotationListResponse })
  listRotations(): Promise<RotationListResponse> {
    return this.incidents.listRotations();
  }

  @Put('escalation-policies/:id')
  @Operation('escalationPolicies.put')
  @ApiOperation({ summary: 'Create or replace an escalation policy for a brand and its priorities' })
  @ApiOkResponse({ type: EscalationPolicyResponse, description: 'The policy as stored' })
  @ApiProblems([422, 'Unknown brand, or a priority the brand does not have (field priorities)'])
  putPolicy(@Param('id') id: string, @Body() dto: EscalationPolicyDto): Promise<EscalationPolicyResponse> {
    if (!NAME.test(id)) throw Problem.validation([{ field: 'path:id', message: 'letters, digits, . _ - (1–100)' }]);
    return this.incidents.putEscalationPolicy(id, dto);
  }

  @Get('escalation-policies')
  @Operation('escalationPolicies.list')
  @ApiOperation({ summary: 'Every escalation policy: brand, priorities, levels with their targets and acknowledge timeouts, loops' })
  @ApiOkResponse({ type: EscalationPolicyListResponse })
  // Not typed as the response: the store answers its rows untyped (the document says their shape).
  listPolicies() {
    return this.incidents.listEscalationPolicies();
  }
}
