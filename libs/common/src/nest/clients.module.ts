/**
 * One global module that opens the real clients (EventStoreDB, MongoDB, Redis) from the
 * Runtime and closes them when the Nest app closes. Connections are lazy, so an app starts
 * even while a server is still coming up; /health/ready tells whether they answer.
 */
import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { EventStoreDBClient } from '@eventstore/db-client';
import type { Runtime } from '@qa/config';
import { Redis } from 'ioredis';
import { MongoClient, type Db } from 'mongodb';
import { EVENTSTORE_CLIENT, MONGO_CLIENT, MONGO_DB, REDIS_CLIENT, RUNTIME } from './tokens';

/** The database named in the URL's path, `qa` when there is none. */
export function mongoDbName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  return name || 'qa';
}

const CLOSE_WAIT_MS = 2000;
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

class ClientsCloser implements OnApplicationShutdown {
  constructor(
    @Inject(EVENTSTORE_CLIENT) private readonly esdb: EventStoreDBClient,
    @Inject(MONGO_CLIENT) private readonly mongo: MongoClient,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([
      // dispose() waits for every open call to finish; a call stuck on the server side must
      // not hold the whole shutdown, so it gets a bounded wait.
      Promise.race([this.esdb.dispose(), delay(CLOSE_WAIT_MS)]),
      this.mongo.close(),
      this.redis.quit().catch(() => this.redis.disconnect()),
    ]);
  }
}

@Global()
@Module({})
export class ClientsModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    return {
      module: ClientsModule,
      providers: [
        { provide: RUNTIME, useValue: runtime },
        {
          provide: EVENTSTORE_CLIENT,
          useFactory: () => EventStoreDBClient.connectionString(runtime.eventStoreUrl),
        },
        { provide: MONGO_CLIENT, useFactory: () => new MongoClient(runtime.mongoUrl) },
        {
          provide: MONGO_DB,
          inject: [MONGO_CLIENT],
          useFactory: (client: MongoClient): Db => client.db(mongoDbName(runtime.mongoUrl)),
        },
        {
          provide: REDIS_CLIENT,
          useFactory: () => {
            const redis = new Redis(runtime.redisUrl, {
              lazyConnect: true,
              // While Redis is away a command fails after one reconnection attempt instead
              // of waiting indefinitely; callers (and /health/ready) see the error.
              maxRetriesPerRequest: 1,
            });
            // Reconnects are automatic; without a listener a down Redis crashes the process.
            redis.on('error', () => undefined);
            redis.connect().catch(() => undefined);
            return redis;
          },
        },
        ClientsCloser,
      ],
      exports: [RUNTIME, EVENTSTORE_CLIENT, MONGO_CLIENT, MONGO_DB, REDIS_CLIENT],
    };
  }
}
