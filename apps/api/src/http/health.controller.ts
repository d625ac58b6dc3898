/**
 * `/health` answers as soon as the process serves; `/health/ready` asks EventStoreDB,
 * MongoDB and Redis through the real clients and answers 503 naming whichever does not.
 */
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BACKWARDS, END, type EventStoreDBClient } from '@eventstore/db-client';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { EVENTSTORE_CLIENT, MONGO_DB, REDIS_CLIENT } from '@qa/common';
import { DomainError } from '@qa/domain';
import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';

const TIMEOUT_MS = 2000;

/**
 * A check that has not answered in time counts as down. The timer is cleared as soon as
 * the check settles, so a stopped app leaves nothing pending behind it.
 */
function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENTSTORE_CLIENT) private readonly esdb: EventStoreDBClient,
    @Inject(MONGO_DB) private readonly mongo: Db,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The process is up and serving' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The smallest real read: the last event of $all. */
  private async readLastEvent(): Promise<void> {
    const events = this.esdb.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    // Read to the end rather than breaking out, so the call completes instead of being cancelled.
    for await (const _ of events) void _;
  }

  @Get('ready')
  @ApiOperation({ summary: 'EventStoreDB, MongoDB and Redis all answer' })
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () =>
          this.indicators
            .check('eventstoredb')
            .attempt(() => within(TIMEOUT_MS, 'EventStoreDB', this.readLastEvent())),
        () =>
          this.indicators.check('mongodb').attempt(() =>
            within(
              TIMEOUT_MS,
              'MongoDB',
              this.mongo.command({ ping: 1 }).then(() => undefined),
            ),
          ),
        () =>
          this.indicators.check('redis').attempt(() =>
            within(
              TIMEOUT_MS,
              'Redis',
              this.redis.ping().then(() => undefined),
            ),
          ),
      ]);
    } catch (err) {
      const details = (err as { response?: { error?: Record<string, unknown> } }).response?.error;
      if (!details) throw err;
      const down = Object.keys(details);
      throw new DomainError(
        'unavailable',
        'NOT_READY',
        `Not ready: ${down.join(', ')} ${down.length === 1 ? 'does' : 'do'} not answer.`,
      );
    }
  }
}
