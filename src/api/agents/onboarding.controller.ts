import { applyDecorators, Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { ApiProblems, CaseActionProblems } from '../problem/api-problems';
import { DecideOnboardingDto, OnboardingSessionDto, QaScoreDto, StartMentoredDto, StartOnboardingDto } from './onboarding.dto';
import { OnboardingResponse } from './onboarding.response';
import { OnboardingService } from './onboarding.service';
import type { OnboardingView } from '../../workflows/onboarding/messages';

const AgentParam = () => ApiParam({ name: 'id', example: 'hire-0042', description: 'The agent' });
const ActionAnswers = (forbidden: string) =>
  applyDecorators(AgentParam(), ApiOkResponse({ type: OnboardingResponse, description: 'The onboarding after the action' }), CaseActionProblems([403, forbidden]));

/**
 * An agent's onboarding (issue 14 §2), one durable case per agent: trainers record classroom
 * hours and assign the mentor, reviewers score QA double-blind, trainers and operations leads
 * measure the gates and decide. Every action is validated by the case (409 naming why).
 */
@ApiTags('agents')
@ApiBearerAuth()
@Controller('v1/agents/:id/onboarding')
export class OnboardingController {
  constructor(private readonly onboarding: OnboardingService) {}

  @Post()
  @Operation('onboarding.start')
  @HttpCode(201)
  @ApiOperation({ summary: "Start the agent's onboarding with the brand's curriculum (pinned): classroom, mentored period, QA, certification, refreshers" })
  @AgentParam()
  @ApiCreatedResponse({ type: OnboardingResponse, description: 'Started (Location: the onboarding)' })
  @ApiOkResponse({ type: OnboardingResponse, description: 'Started before: the case as it is' })
  @ApiProblems(404, [409, 'The brand has no curriculum, or the agent is certified already'])
  async start(@Param('id') id: string, @Body() dto: StartOnboardingDto, @CurrentPrincipal() caller: Principal, @Res({ passthrough: true }) res: Response): Promise<OnboardingView> {
    const { view, created } = await this.onboarding.start(id, dto, caller);
    if (created) res.setHeader('Location', `/v1/agents/${id}/onboarding`);
    else res.status(200);
    return view;
  }

  @Get()
  @Operation('onboarding.read')
  @ApiOperation({ summary: 'The onboarding: phase, hours per module, gates with their values, QA (scores blind until revealed), next deadline, what is overdue' })
  @AgentParam()
  @ApiOkResponse({ type: OnboardingResponse })
  @ApiProblems([404, 'No such agent, or no onboarding started'])
  read(@Param('id') id: string, @CurrentPrincipal() caller: Principal): Promise<OnboardingView> {
    return this.onboarding.read(id, caller);
  }

  @Post('sessions')
  @Operation('onboarding.session')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a training session: hours of a classroom module (or, once certified, of a refresher)' })
  @ActionAnswers('Only trainers record training')
  session(@Param('id') id: string, @Body() dto: OnboardingSessionDto, @CurrentPrincipal() caller: Principal): Promise<OnboardingView> {
    return this.onboarding.recordSession(id, dto, caller);
  }

  @Post('mentor')
  @Operation('onboarding.mentor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assign the mentor (a certified agent of the brand) once the classroom hours are in: the mentored period starts' })
  @ActionAnswers('Trainers and operations leads assign mentors')
  mentor(@Param('id') id: string, @Body() dto: StartMentoredDto, @CurrentPrincipal() caller: Principal): Promise<OnboardingView> {
    return this.onboarding.startMentored(id, dto.mentor, caller);
  }

  @Post('qa-scores')
  @Operation('onboarding.qaScore')
  @HttpCode(200)
  @ApiOperation({ summary: "Score one of the agent's tickets on the brand's rubric, blind: the scores show once both reviewers (and a calibrator, if they disagree) are in" })
  @ActionAnswers('Reviewers are agents or trainers')
  qaScore(@Param('id') id: string, @Body() dto: QaScoreDto, @CurrentPrincipal() caller: Principal): Promise<OnboardingView> {
    return this.onboarding.scoreQa(id, dto, caller);
  }

  @Post('gates')
  @Operation('onboarding.evaluateGates')
  @HttpCode(200)
  @ApiOperation({ summary: "Measure the gates now from the agent's tickets (AHT, CSAT) and the QA reviews; they are also measured at each weekly check-in" })
  @ActionAnswers('Trainers and operations leads measure gates')
  gates(@Param('id') id: string, @CurrentPrincipal() caller: Principal): Promise<OnboardingView> {
    return this.onboarding.evaluateGates(id, caller);
  }

  @Post('decision')
  @Operation('onboarding.decide')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decide: certify (gates passed), extend the mentored period once, or stop; recorded with who decided' })
  @ActionAnswers('Trainers and operations leads decide')
  decide(@Param('id') id: string, @Body() dto: DecideOnboardingDto, @CurrentPrincipal() caller: Principal): Promise<OnboardingView> {
    return this.onboarding.decide(id, dto, caller);
  }
}
