import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { NOTES_IN_VIEW } from '../../workflows/takedown/messages';
import { AuthenticatedRequest, CurrentPrincipal, Principal } from '../auth/principal';
import { PUBLIC_INTAKE_CALLER, runAsCaller } from '../auth/request-context';
import { Operation } from '../auth/roles.decorator';
import { checkIdempotencyKey } from '../idempotency/idempotency-key';
import { answerCreate } from '../idempotency/replay-response';
import { CaseEventsResponse } from '../common/case-parts.response';
import { ApiProblems, CaseActionProblems, CaseReadProblems } from '../problem/api-problems';
import { TakedownIntakeRateLimitGuard } from './intake-rate-limit.guard';
import {
  ApplyDecisionDto,
  AssignReviewerDto,
  ComplaintDecisionDto,
  ComplaintDto,
  CounterNoticeDto,
  DecideTakedownDto,
  ExtendPreservationDto,
  InformationReceivedDto,
  ListTakedownNotesQuery,
  ListTakedownsQuery,
  RecordPreservationDto,
  RequestInformationDto,
  SuitFiledDto,
  TakedownNoteDto,
} from './takedown.dto';
import { TakedownNotesPage } from './takedown-notes';
import { PreservationListResponse, PreservationResponse, TakedownCaseResponse, TakedownListResponse, TakedownReceiptResponse, TakedownResponse } from './takedown.response';
import { TakedownsService } from './takedowns.service';

/** A takedown action's answers: the case after it, or why it was refused (403: a role the case's rules refuse). */
const TakedownActionAnswers = () =>
  applyDecorators(ApiOkResponse({ type: TakedownResponse, description: 'The case after the action' }), CaseActionProblems([403, 'Only legal staff act on takedowns']));

/** Notice intake: public (no key, its own tighter rate limit) and the same for partners with a key. */
@ApiTags('takedowns')
@Controller('v1/takedowns')
export class TakedownIntakeController {
  constructor(private readonly takedowns: TakedownsService) {}

  @Post()
  @Operation('takedowns.file')
  @UseGuards(TakedownIntakeRateLimitGuard)
  @HttpCode(202)
  @ApiOperation({
    summary: 'File a takedown notice (no key needed; partners may send theirs). Answers with a receipt: case ID, time received, and triage / needs_info / rejected',
  })
  @ApiQuery({ name: 'brand', required: false, description: 'Whose content; default: the only brand taking notices.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Partners only: the same key again returns the same receipt (200).' })
  @ApiBody({
    schema: {
      example: {
        notifier: { name: 'Jane Roe', email: 'jane@studio.example', organisation: 'Studio Example LLC', role: 'attorney' },
        items: [{ contentId: 'vid_123', url: 'https://uoozee.example/watch/vid_123' }],
        claimedJurisdictions: ['US'],
        legalBasis: 'copyright',
        explanation: 'Full episode of our series uploaded without licence.',
        statements: {
          identificationOfWork: 'Example Show, season 1 episode 3',
          infringingMaterial: 'The full episode re-uploaded as vid_123',
          goodFaith: true,
          accuracyUnderPenaltyOfPerjury: true,
          signature: '/Jane Roe/',
        },
      },
    },
  })
  @ApiAcceptedResponse({ type: TakedownReceiptResponse, description: 'Received: the receipt' })
  @ApiOkResponse({ type: TakedownReceiptResponse, description: 'Replayed (partners): this Idempotency-Key already filed the notice' })
  @ApiProblems([400, 'The notice is not valid (each field named), or the brand is not named'], [422, 'No takedown policy for the brand, or a reused Idempotency-Key'], [429, 'The public form takes a few notices per minute per address'])
  async file(
    @Body() body: unknown,
    @Query('brand') brand: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() req: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TakedownReceiptResponse> {
    const intake = () => this.takedowns.intake(body, brand, checkIdempotencyKey(idempotencyKey), req.principal);
    // A notice filed without a key still opens its case through the service: the case's start is
    // bound to the public intake, as every start must be (src/workflows/verified-actor.interceptor.ts).
    const { receipt, replayed } = req.principal ? await intake() : await runAsCaller(PUBLIC_INTAKE_CALLER, intake);
    answerCreate(res, replayed, undefined, 202);
    return receipt;
  }
}

/** Legal staff's work on a case: each action a workflow update whose validator asks the domain (409 naming the state, 403 for any other role). */
@ApiTags('takedowns')
@ApiBearerAuth()
@Controller('v1/takedowns')
export class TakedownsController {
  constructor(private readonly takedowns: TakedownsService) {}

  @Get()
  @Operation('takedowns.list')
  @ApiOperation({ summary: 'The review queue (read model): by decision deadline, then time received' })
  @ApiOkResponse({ type: TakedownListResponse })
  list(@Query() q: ListTakedownsQuery): Promise<TakedownListResponse> {
    return this.takedowns.list(q);
  }

  @Get(':id')
  @Operation('takedowns.read')
  @ApiOperation({ summary: 'A case: state, regimes, clocks, decision, content actions, messages sent; the notifier’s contact' })
  @ApiOkResponse({ type: TakedownCaseResponse, description: 'The case (header Caseworks-Source: workflow or read-model)' })
  @CaseReadProblems()
  async get(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<TakedownCaseResponse> {
    const { takedown, source } = await this.takedowns.get(id);
    res.setHeader('Caseworks-Source', source);
    return takedown;
  }

  @Get(':id/history')
  @Operation('takedowns.history')
  @ApiOperation({ summary: 'The append-only history: every action with actor and time, every clock and effect' })
  @ApiOkResponse({ type: CaseEventsResponse })
  @CaseReadProblems()
  history(@Param('id') id: string): Promise<CaseEventsResponse> {
    return this.takedowns.history(id);
  }

  @Get(':id/notes')
  @Operation('takedowns.notes')
  @ApiOperation({ summary: `Every note in full, oldest first, paginated (the case's view shows the latest ${NOTES_IN_VIEW}, with notesTotal)` })
  @ApiOkResponse({ type: TakedownNotesPage })
  @ApiProblems(404, [400, 'A cursor this API did not issue'])
  notes(@Param('id') id: string, @Query() q: ListTakedownNotesQuery): Promise<TakedownNotesPage> {
    return this.takedowns.notes(id, q);
  }

  @Post(':id/assign')
  @Operation('takedowns.assign')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assign the case to a reviewer' })
  @TakedownActionAnswers()
  assign(@Param('id') id: string, @Body() dto: AssignReviewerDto, @CurrentPrincipal() caller: Principal): Promise<TakedownResponse> {
    return this.takedowns.assign(id, dto.reviewer, caller);
  }

  @Post(':id/request-info')
  @Operation('takedowns.requestInformation')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ask the notifier for missing fields; the case lapses if they do not answer in time' })
  @TakedownActionAnswers()
  requestInformation(@Param('id') id: string, @Body() dto: RequestInformationDto, @CurrentPrincipal() caller: Principal): Promise<TakedownResponse> {
    return this.takedowns.requestInformation(id, dto.missing, dto.message, caller);
  }

  @Post(':id/info-received')
  @Operation('takedowns.informationReceived')
  @HttpCode(200)
  @ApiOperation({ summary: 'The notifier supplied what was missing: back to triage, the decision clock starts' })
  @TakedownActionAnswers()
  informationReceived(@Param('id') id: string, @Body() dto: InformationReceivedDto, @CurrentPrincipal() caller: Principal): Promise<TakedownResponse> {
    return this.takedowns.informationReceived(id, dto.note, caller);
  }

  @Post(':id/decide')
  @Operation('takedowns.decide')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decide: remove / restrict (territorial scope) / no_action / escalate_safety, with ground and explanation' })
  @TakedownActionAnswers()
  decide(@Param('id') id: string, @Body() dto: DecideTakedownDto, @CurrentPrincipal() caller: Principal): Promise<TakedownResponse> {
    return this.takedowns.decide(id, dto, caller);
  }

  @Post(':id/apply')
  @Operation('takedowns.apply')
  @HttpCode(200)
  @ApiOperation({ summary: 'Apply the decision: statement of reasons to the uploader, then the content action per item' })
  @TakedownActionAnswers()
  apply(@Param('id') id: string, @Body() dto: ApplyDecisionDto, @CurrentPrincipal() caller: Principal): Promise<TakedownResponse> {
    return this.takedowns.apply(id, dto.authorityInformed, caller);
  }

  @Post(':id/close')
  @Operation('takedowns.close')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close the case, in a state that allows it (otherwise a 409 naming the state)' })
  @TakedownActionAnswers()
  close(@Param('id') id: string, @CurrentPrincipal() caller: Principal): Promise<TakedownResponse> {
    return this.takedowns.close(id, caller);
  }

  @Post(':id/counter-notice')
  @Operation('takedowns.counterNotice')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a DMCA counter-notice: forwarded to the notifier; content restored 10–14 business days later unless a suit is reported' })
  @TakedownActionAnswers()
  counterNotice(@Param('id') id: string, @Body() dto: CounterNoticeDto, @CurrentPrincipal() caller: Principal): Promise<TakedownResponse> {
    return this.takedowns.counterNotice(id, dto, caller);
  }

  @Post(':id/suit-filed')
  @Operation('takedowns.suitFiled')
  @HttpCode(200)
  @ApiOperation({ summary: 'The notifier reports a court action within the restore window: the content stays down (legal hold)' })
  @TakedownActionAnswers()
  suitFiled(@Param('id') id: string, @Body() dto: SuitFiledDto, @CurrentPrincipal() caller: Principal): Promise<TakedownResponse> {
    return this.takedowns.suitFiled(id, dto.court, caller);
  }

  @Post(':id/complaint')
  @Operation('takedowns.complaint')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a DSA Art. 20 internal complaint (within the complaint window)' })
  @TakedownActionAnswers()
  complaint(@Param('id') id: string, @Body() dto: ComplaintDto, @CurrentPrincipal() caller: Principal): Promise<TakedownResponse> {
    return this.takedowns.complaint(id, dto.by, dto.grounds, caller);
  }

  @Post(':id/uphold')
  @Operation('takedowns.uphold')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decide a complaint: the decision stands' })
  @TakedownActionAnswers()
  uphold(@Param('id') id: string, @Body() dto: ComplaintDecisionDto, @CurrentPrincipal() caller: Principal): Promise<TakedownResponse> {
    return this.takedowns.uphold(id, dto.reasons, caller);
  }

  @Post(':id/reverse')
  @Operation('takedowns.reverse')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decide a complaint: the decision is reversed and restricted content restored' })
  @TakedownActionAnswers()
  reverse(@Param('id') id: string, @Body() dto: ComplaintDecisionDto, @CurrentPrincipal() caller: Principal): Promise<TakedownResponse> {
    return this.takedowns.reverse(id, dto.reasons, caller);
  }

  @Post(':id/preservations')
  @Operation('takedowns.preservations.record')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record an authority’s preservation (retention) request: the items are held for the pack’s period (90 days), with reminders to the legal lead before expiry',
  })
  @ApiCreatedResponse({ type: PreservationResponse, description: 'Recorded' })
  @ApiOkResponse({ type: PreservationResponse, description: 'Replayed: the same request recorded it already' })
  @CaseActionProblems([403, 'Only legal staff record preservation requests'])
  async recordPreservation(
    @Param('id') id: string,
    @Body() dto: RecordPreservationDto,
    @CurrentPrincipal() caller: Principal,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PreservationResponse> {
    const { hold, replayed } = await this.takedowns.recordPreservation(id, dto, caller);
    answerCreate(res, replayed);
    return hold;
  }

  @Get(':id/preservations')
  @Operation('takedowns.preservations.list')
  @ApiOperation({ summary: 'The case’s preservation holds: state, expiry, extension, reminders sent' })
  @ApiOkResponse({ type: PreservationListResponse })
  @CaseReadProblems()
  async preservations(@Param('id') id: string): Promise<PreservationListResponse> {
    await this.takedowns.read(id);
    return { items: await this.takedowns.preservations(id) };
  }

  @Post(':id/preservations/:holdId/extend')
  @Operation('takedowns.preservations.extend')
  @HttpCode(200)
  @ApiOperation({ summary: 'The authority renewed its request: extend the hold once by the pack’s period (a second extension is a 409 naming the state)' })
  @ApiOkResponse({ type: PreservationResponse, description: 'The hold, extended' })
  @CaseActionProblems([404, 'No such case, or no such hold on it'], [409, 'Already extended once, or released'])
  extendPreservation(@Param('id') id: string, @Param('holdId') holdId: string, @Body() dto: ExtendPreservationDto, @CurrentPrincipal() caller: Principal): Promise<PreservationResponse> {
    return this.takedowns.extendPreservation(id, holdId, dto.reference, caller);
  }

  @Post(':id/note')
  @Operation('takedowns.note')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add an internal note to the case' })
  @TakedownActionAnswers()
  note(@Param('id') id: string, @Body() dto: TakedownNoteDto, @CurrentPrincipal() caller: Principal): Promise<TakedownResponse> {
    return this.takedowns.note(id, dto.text, caller);
  }
}
