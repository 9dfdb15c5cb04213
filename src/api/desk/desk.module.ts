import { Module } from '@nestjs/common';
import { TakedownReads } from '../../persistence/read/takedown-reads';
import { CaseClient } from '../cases/case-client';
import { TakedownsService } from '../takedowns/takedowns.service';
import { TransparencyService } from '../takedowns/transparency.service';
import { DeskController } from './desk.controller';
import { DeskOidc } from './desk-oidc';
import { DeskSessions } from './desk-session';
import { DeskStore } from './desk-store';
import { PublicTransparencyController } from './public-transparency.controller';

/**
 * The legal desk (/desk) and the public transparency page (/transparency). The takedown services
 * are the JSON API's own classes (src/api/takedowns/), so the desk validates and acts exactly as the API does.
 */
@Module({
  controllers: [DeskController, PublicTransparencyController],
  providers: [DeskSessions, DeskOidc, DeskStore, TakedownsService, TransparencyService, CaseClient, TakedownReads],
})
export class DeskModule {}
