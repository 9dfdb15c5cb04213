import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { RatioUnit } from '../../domain/staffing/staffing-policy';

class ServiceLevelResponse {
  @ApiProperty({ example: 0.8, description: 'Share of contacts to answer within withinSeconds' }) target: number;
  @ApiProperty({ example: 60 }) withinSeconds: number;
}

export class ForecastChannelResponse {
  @ApiProperty({ example: 'phone' }) channel: string;
  @ApiProperty({ example: 480, description: "Average handle time from the brand's policy pack" }) ahtSeconds: number;
  @ApiProperty({ type: ServiceLevelResponse }) serviceLevel: ServiceLevelResponse;
}

export class IntervalChannelResponse {
  @ApiProperty({ example: 'phone' }) channel: string;
  @ApiProperty({ description: 'Contacts arriving in the interval (a mean when forecasting from weeks of history)' }) arrivals: number;
  @ApiProperty({ description: 'Offered load in Erlangs' }) trafficErlangs: number;
  @ApiProperty({ description: 'Fewest agents answering that meet the service level (Erlang C)' }) agents: number;
  @ApiProperty({ description: 'Agents to schedule: agents / (1 − shrinkage), rounded up' }) agentsWithShrinkage: number;
  @ApiProperty({ description: 'Service level those agents reach' }) serviceLevel: number;
  @ApiProperty() probabilityOfWaiting: number;
  @ApiProperty() averageSpeedOfAnswerSeconds: number;
  @ApiProperty() occupancy: number;
}

export class ForecastIntervalResponse {
  @ApiProperty({ example: '2026-11-30T09:00:00.000Z' }) start: string;
  @ApiProperty({ example: '2026-11-30T09:30:00.000Z' }) end: string;
  @ApiProperty({ example: '2026-11-30T03:00:00-06:00', description: 'start in the forecast time zone, with its UTC offset (a fall-back hour appears twice, told apart by the offset)' }) localStart: string;
  @ApiProperty({ example: '2026-11-30T03:30:00-06:00' }) localEnd: string;
  @ApiProperty({ example: '2026-11-30', description: 'The local date the interval starts on' }) localDate: string;
  @ApiProperty({ type: [IntervalChannelResponse] }) channels: IntervalChannelResponse[];
  @ApiProperty({ description: 'Sum over the staffed channels (each channel has its own queue)' }) agents: number;
  @ApiProperty() agentsWithShrinkage: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'Arrivals of channels the pack does not staff by Erlang C (email, portal…)' })
  otherArrivals: Record<string, number>;
}

class PeopleRangeResponse {
  @ApiProperty() fewest: number;
  @ApiProperty() most: number;
}

class PerPersonResponse {
  @ApiProperty() min: number;
  @ApiProperty() max: number;
}

export class RatioResponse {
  @ApiProperty({ example: 'agent' }) role: string;
  @ApiProperty({ enum: ['mau', 'users', 'midMarketAccounts', 'enterpriseAccounts'] }) unit: RatioUnit;
  @ApiProperty() count: number;
  @ApiProperty({ type: PerPersonResponse }) perPerson: PerPersonResponse;
  @ApiProperty({ type: PeopleRangeResponse }) people: PeopleRangeResponse;
  @ApiPropertyOptional() note?: string;
}

class LocalDayResponse {
  @ApiProperty({ example: '2026-11-01' }) date: string;
  @ApiProperty({ example: 50, description: 'Intervals starting that local day: 48 half-hours, 50 on a fall-back day, 46 on a spring-forward day' }) intervals: number;
}

class PeakResponse {
  @ApiProperty({ nullable: true, type: String }) start: string | null;
  @ApiProperty() agents: number;
  @ApiProperty() agentsWithShrinkage: number;
}

export class ForecastResponse {
  @ApiProperty() brand: string;
  @ApiProperty() policyVersion: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ example: '30m' }) interval: string;
  @ApiProperty({ example: 'actual', description: '"actual": arrivals in [from, to); "weekly-average": the mean of the same interval in the N weeks before' }) basis: string;
  @ApiProperty({ nullable: true, type: Number }) weeks: number | null;
  @ApiProperty({ example: 0.3 }) shrinkage: number;
  @ApiProperty({ example: 'America/Chicago', description: 'The zone of localStart / localEnd / localDate and of the weekly profile' }) timeZone: string;
  @ApiProperty({ type: [LocalDayResponse], description: 'Intervals per local date' }) days: LocalDayResponse[];
  @ApiProperty({ type: [ForecastChannelResponse] }) channels: ForecastChannelResponse[];
  @ApiProperty({ type: [ForecastIntervalResponse] }) intervals: ForecastIntervalResponse[];
  @ApiProperty({ type: PeakResponse, description: 'The interval needing the most agents' }) peak: PeakResponse;
  @ApiProperty({ type: [RatioResponse], description: "The seeds' headcount ratios for the counts passed (mau, users, …)" }) ratios: RatioResponse[];
  @ApiProperty({ type: [String], description: 'How the figures were made (Erlang C, sources)' }) method: string[];
}
