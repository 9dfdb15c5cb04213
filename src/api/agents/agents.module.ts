import { Global, Module } from '@nestjs/common';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';
import { OnboardingController } from './onboarding.controller';
import { OnboardingService } from './onboarding.service';
import { CaseClient } from '../cases/case-client';

/** The agents registry (issue 14 §1) and their onboarding cases (§2); global, so ticket assignment can ask it who may take a ticket. */
@Global()
@Module({
  controllers: [AgentsController, OnboardingController],
  providers: [AgentsService, OnboardingService, CaseClient],
  exports: [AgentsService],
})
export class AgentsModule {}
