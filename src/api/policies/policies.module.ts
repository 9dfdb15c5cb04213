import { Module } from '@nestjs/common';
import { PoliciesController } from './policies.controller';

/** GET /v1/policies/{brand}: the published SLAs (issue 19, "Publish the SLAs"). */
@Module({ controllers: [PoliciesController] })
export class PoliciesModule {}
