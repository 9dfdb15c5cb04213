import { Module } from '@nestjs/common';
import { ForecastController } from './forecast.controller';
import { ForecastService } from './forecast.service';

/** GET /v1/forecast: the staffing forecast (issue 19, section 3). */
@Module({ controllers: [ForecastController], providers: [ForecastService] })
export class ForecastModule {}
