import { Module } from '@nestjs/common';
import { TakedownReads } from '../../persistence/read/takedown-reads';
import { CaseClient } from '../cases/case-client';
import { TakedownIntakeRateLimitGuard } from './intake-rate-limit.guard';
import { TakedownIntakeController, TakedownsController } from './takedowns.controller';
import { TakedownsService } from './takedowns.service';
import { TransparencyController } from './transparency.controller';
import { TransparencyService } from './transparency.service';

@Module({
  controllers: [TakedownIntakeController, TakedownsController, TransparencyController],
  providers: [TakedownsService, TransparencyService, TakedownIntakeRateLimitGuard, CaseClient, TakedownReads],
})
export class TakedownsModule {}
