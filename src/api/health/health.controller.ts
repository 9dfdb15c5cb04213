import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Client, Connection } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { Operation } from '../auth/roles.decorator';
import { Problem } from '../problem/problem';
import { ApiProblems } from '../problem/api-problems';
import { LiveResponse, ReadyResponse } from './health.response';
import { OUTAGE_RETRY_AFTER_SECONDS } from '../resilience/dependency-unavailable';

type Check = { status: 'up' | 'down'; error?: string };

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: Client,
  ) {}

  @Get('live')
  @Operation('health.live')
  @ApiOperation({ summary: 'The process is up' })
  @ApiOkResponse({ type: LiveResponse })
  live(): LiveResponse {
    return { status: 'ok' };
  }

  @Get('ready')
  @Operation('health.ready')
  @ApiOperation({ summary: 'PostgreSQL and Temporal answer' })
  @ApiOkResponse({ type: ReadyResponse })
  @ApiProblems([503, 'Not ready: PostgreSQL or Temporal does not answer (checks says which)'])
  async ready(): Promise<ReadyResponse> {
    const [postgres, temporal] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      probe(() => (this.temporal.connection as Connection).healthService.check({})),
    ]);
    const checks = { postgres, temporal };
    if (postgres.status === 'down' || temporal.status === 'down') {
      throw new Problem(503, 'not-ready', 'Not ready', 'a dependency does not answer', { checks, retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS });
    }
    return { status: 'ok', checks };
  }
}

async function probe(check: () => Promise<unknown>, timeoutMs = 2_000): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up' };
  } catch (err) {
    return { status: 'down', error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
