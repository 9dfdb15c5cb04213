import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { KnownPolicyFilters } from '../input/known-policy-filters.pipe';
import { ActionKey } from '../idempotency/action-key';
import { checkIdempotencyKey } from '../idempotency/idempotency-key';
import { answerCreate } from '../idempotency/replay-response';
import { ApiProblems, CaseActionProblems, CaseReadProblems } from '../problem/api-problems';
import { TicketListService } from './ticket-list.service';
import { TicketPageResponse, TicketResponse } from './ticket.response';
import { AssignDto, CreateTicketDto, CsatDto, ListTicketsQuery, PendingDto, PriorityDto, ReopenDto, ReplyDto, ResolveDto, RootCauseDto } from './ticket.dto';
import { TicketsService } from './tickets.service';
import { ClientEntitlementInterceptor } from './client-entitlement.interceptor';

/** A ticket action's answers: the ticket after it, or why the ticket refused it. */
const TicketActionAnswers = () => applyDecorators(ApiOkResponse({ type: TicketResponse, description: 'The ticket after the action' }), CaseActionProblems());

/**
 * Each action is a workflow update whose validator asks the domain transition rules: an action
 * the ticket's state does not allow is a 409 naming the state, and never enters history.
 */
@ApiTags('tickets')
@ApiBearerAuth()
@Controller('v1/tickets')
@UseInterceptors(ClientEntitlementInterceptor)
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly lists: TicketListService,
  ) {}

  @Post()
  @Operation('tickets.open')
  @ApiOperation({ summary: 'Open a ticket; its SLA clocks start at receivedAt (when the customer wrote), default now' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key (per API key) → same ticket, never a second one.' })
  @ApiCreatedResponse({ type: TicketResponse, description: 'Opened (Location: the ticket)' })
  @ApiOkResponse({ type: TicketResponse, description: 'Replayed: this Idempotency-Key already opened the ticket' })
  @ApiProblems([403, 'A client key that belongs to no account'], [422, 'Unknown brand or priority, a field the channel or category needs or forbids, another account, or a reused Idempotency-Key'])
  async open(
    @Body() dto: CreateTicketDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() caller: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TicketResponse> {
    const { ticket, replayed } = await this.tickets.open(dto, checkIdempotencyKey(idempotencyKey), caller);
    answerCreate(res, replayed, `/v1/tickets/${ticket.id}`);
    return ticket;
  }

  @Get()
  @Operation('tickets.list')
  @ApiOperation({ summary: 'List tickets (read model), newest first; filter and page with nextCursor' })
  @ApiOkResponse({ type: TicketPageResponse })
  @ApiProblems([400, 'A filter that is not valid (a brand or priority no policy pack knows) or a cursor this API did not issue'])
  list(@Query(KnownPolicyFilters) query: ListTicketsQuery, @CurrentPrincipal() caller: Principal): Promise<TicketPageResponse> {
    return this.lists.list(query, caller);
  }

  @Get(':id')
  @Operation('tickets.read')
  @ApiOperation({ summary: 'Read a ticket: status and each SLA metric with deadline, remaining business time and state' })
  @ApiOkResponse({ type: TicketResponse, description: 'The ticket (header Caseworks-Source: workflow or read-model)' })
  @CaseReadProblems()
  async get(@Param('id') id: string, @CurrentPrincipal() caller: Principal, @Res({ passthrough: true }) res: Response): Promise<TicketResponse> {
    const { ticket, source } = await this.tickets.read(id, caller);
    res.setHeader('Caseworks-Source', source);
    return ticket;
  }

  @Post(':id/assign')
  @Operation('tickets.assign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assign (or reassign) the ticket', description: "A chat's first assignment is its pick-up: it ends the queue-wait clock (sla.queueWait)" })
  @TicketActionAnswers()
  assign(@Param('id') id: string, @Body() dto: AssignDto, @CurrentPrincipal() caller: Principal, @ActionKey() key?: string): Promise<TicketResponse> {
    return this.tickets.assign(id, dto, caller, key);
  }

  @Post(':id/reply')
  @Operation('tickets.reply')
  @HttpCode(200)
  @ApiOperation({ summary: "Record a reply: an agent's fulfils first/next response; a client's (the customer) resumes paused clocks" })
  @TicketActionAnswers()
  reply(@Param('id') id: string, @Body() dto: ReplyDto, @CurrentPrincipal() caller: Principal, @ActionKey() key?: string): Promise<TicketResponse> {
    return this.tickets.reply(id, dto, caller, key);
  }

  @Post(':id/pending')
  @Operation('tickets.pending')
  @HttpCode(200)
  @ApiOperation({ summary: 'Wait on the customer or a vendor: the resolution clock pauses' })
  @TicketActionAnswers()
  pending(@Param('id') id: string, @Body() dto: PendingDto, @CurrentPrincipal() caller: Principal, @ActionKey() key?: string): Promise<TicketResponse> {
    return this.tickets.pending(id, dto, caller, key);
  }

  @Post(':id/priority')
  @Operation('tickets.priority')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change priority: the new targets apply to the time already spent' })
  @TicketActionAnswers()
  priority(@Param('id') id: string, @Body() dto: PriorityDto, @CurrentPrincipal() caller: Principal, @ActionKey() key?: string): Promise<TicketResponse> {
    return this.tickets.priority(id, dto, caller, key);
  }

  @Post(':id/resolve')
  @Operation('tickets.resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve; opens the CSAT survey and the reopen window' })
  @TicketActionAnswers()
  resolve(@Param('id') id: string, @Body() dto: ResolveDto, @CurrentPrincipal() caller: Principal, @ActionKey() key?: string): Promise<TicketResponse> {
    return this.tickets.resolve(id, dto, caller, key);
  }

  @Post(':id/reopen')
  @Operation('tickets.reopen')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reopen within the policy window: a new resolution cycle; the old one stays on record' })
  @TicketActionAnswers()
  reopen(@Param('id') id: string, @Body() dto: ReopenDto, @CurrentPrincipal() caller: Principal, @ActionKey() key?: string): Promise<TicketResponse> {
    return this.tickets.reopen(id, dto, caller, key);
  }

  @Post(':id/close')
  @Operation('tickets.close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close a resolved ticket now (otherwise it closes after the policy window)' })
  @TicketActionAnswers()
  close(@Param('id') id: string, @CurrentPrincipal() caller: Principal, @ActionKey() key?: string): Promise<TicketResponse> {
    return this.tickets.close(id, caller, key);
  }

  @Post(':id/csat')
  @Operation('tickets.csat')
  @HttpCode(200)
  @ApiOperation({ summary: "The customer's satisfaction score (1–5) and, optionally, NPS (0–10), while the survey is open" })
  @TicketActionAnswers()
  csat(@Param('id') id: string, @Body() dto: CsatDto, @CurrentPrincipal() caller: Principal, @ActionKey() key?: string): Promise<TicketResponse> {
    return this.tickets.csat(id, dto, caller, key);
  }

  @Post(':id/root-cause')
  @Operation('tickets.rootCause')
  @HttpCode(200)
  @ApiOperation({ summary: "Tag the ticket's root causes from the brand's vocabulary (replaces earlier tags); preventable = any tag preventable" })
  @TicketActionAnswers()
  rootCause(@Param('id') id: string, @Body() dto: RootCauseDto, @CurrentPrincipal() caller: Principal, @ActionKey() key?: string): Promise<TicketResponse> {
    return this.tickets.rootCause(id, dto, caller, key);
  }

  @Post(':id/repin')
  @Operation('tickets.repin')
  @HttpCode(200)
  @ApiOperation({ summary: "Move the ticket to its brand's current policy version (explicit and recorded)" })
  @TicketActionAnswers()
  repin(@Param('id') id: string, @CurrentPrincipal() caller: Principal, @ActionKey() key?: string): Promise<TicketResponse> {
    return this.tickets.repin(id, caller, key);
  }
}
