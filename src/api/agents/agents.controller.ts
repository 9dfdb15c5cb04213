import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { brandFilterFor } from '../auth/case-scope';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { Operation } from '../auth/roles.decorator';
import { ApiProblems } from '../problem/api-problems';
import { Problem } from '../problem/problem';
import { AgentStatusDto, CreateAgentDto, ListAgentsQuery } from './agent.dto';
import { AgentDetailResponse, AgentListResponse, AgentResponse } from './agent.response';
import { AgentsService } from './agents.service';
import { OnboardingService } from './onboarding.service';

/**
 * The agents who work tickets (issue 14 §1): created and suspended by admins; read by staff. Their
 * status decides assignment: onboarding and mentored agents take tickets only with a certified
 * mentor named, suspended ones none.
 */
@ApiTags('agents')
@ApiBearerAuth()
@Controller('v1/agents')
export class AgentsController {
  constructor(
    private readonly agents: AgentsService,
    private readonly onboarding: OnboardingService,
  ) {}

  @Post()
  @Operation('agents.create')
  @HttpCode(201)
  @ApiOperation({ summary: 'Register an agent (brand, tier, team lead); a new agent starts in onboarding' })
  @ApiCreatedResponse({ type: AgentResponse, description: 'Created (Location: the agent)' })
  @ApiOkResponse({ type: AgentResponse, description: 'It exists already, of the same brand (answered as it is)' })
  @ApiProblems([409, 'It exists for another brand (field id)'], [422, 'A brand no policy pack knows'])
  async create(@Body() dto: CreateAgentDto, @CurrentPrincipal() caller: Principal, @Res({ passthrough: true }) res: Response): Promise<AgentResponse> {
    const { agent, created } = await this.agents.create(dto, caller.name);
    if (!created) res.status(200);
    else res.setHeader('Location', `/v1/agents/${agent.id}`);
    return agent;
  }

  @Get()
  @Operation('agents.list')
  @ApiOperation({ summary: 'Agents, by ID; of one brand or status when asked (a key of one brand: that brand)' })
  @ApiOkResponse({ type: AgentListResponse })
  @ApiProblems([422, 'Another brand than the key works for'])
  async list(@Query() q: ListAgentsQuery, @CurrentPrincipal() caller: Principal): Promise<AgentListResponse> {
    return { items: await this.agents.list({ brand: brandFilterFor(caller, q.brand), status: q.status }) };
  }

  @Get(':id')
  @Operation('agents.get')
  @ApiOperation({ summary: 'One agent: tier, team lead, status, whether they may work alone, every status change with who and why, and their onboarding (phase, hours, gates, QA, deadlines)' })
  @ApiParam({ name: 'id', example: 'ann' })
  @ApiOkResponse({ type: AgentDetailResponse })
  @ApiProblems([404, 'No such agent (or another brand’s, for a key of one brand)'])
  async get(@Param('id') id: string, @CurrentPrincipal() caller: Principal): Promise<AgentDetailResponse> {
    const agent = await this.agents.get(id);
    if (caller.brand !== undefined && agent.brand !== caller.brand) throw notFound(id);
    return { ...agent, onboarding: await this.onboarding.summaryOf(id) };
  }

  @Post(':id/status')
  @Operation('agents.setStatus')
  @HttpCode(200)
  @ApiOperation({ summary: "Move an agent to a status with the reason (suspend, restore, certify by decision); kept in the agent's history" })
  @ApiParam({ name: 'id', example: 'ann' })
  @ApiOkResponse({ type: AgentResponse })
  @ApiProblems([404, 'No such agent'])
  setStatus(@Param('id') id: string, @Body() dto: AgentStatusDto, @CurrentPrincipal() caller: Principal): Promise<AgentResponse> {
    return this.agents.setStatus(id, dto, caller.name);
  }
}

const notFound = (id: string) => Problem.notFound('agent', id);
