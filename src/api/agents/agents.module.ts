import { Global, Module } from '@nestjs/common';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';

/** The agents registry (issue 14 §1); global, so ticket assignment can ask it who may take a ticket. */
@Global()
@Module({
  controllers: [AgentsController],
  providers: [AgentsService],
  exports: [AgentsService],
})
export class AgentsModule {}
