/**
 * Audit (API.md "Audit"): question pages as of any time, revision diffs and rollback, raw
 * streams for admins, and erasure of personal data. It keeps the question stream index that
 * time travel reads (its own `$all` subscription and checkpoint) while the API runs.
 */
import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import {
  PersonalDataEraser,
  QuestionStreamsIndexer,
  QuestionStreamsStore,
  QuestionTimeTravel,
} from '@qa/audit';
import { MONGO_DB, PersonalDataVault, RUNTIME } from '@qa/common';
import type { Runtime } from '@qa/config';
import { EventStoreDbAdapter, type EventStore } from '@qa/event-store';
import { ReadModelLocator } from '@qa/read-models';
import type { Db } from 'mongodb';
import { ActorGuard } from '../auth/actor.guard';
import { ActorResolver } from '../auth/actor.resolver';
import { TokenService } from '../auth/token.service';
import { UserDirectory } from '../auth/user.directory';
import { CommandRunner } from '../command-bus/command-runner';
import { AuditStreamsController } from './audit-streams/audit-streams.controller';
import { AUDIT_EVENT_STORE } from './audit.tokens';
import { ErasePersonalDataController } from './erase-personal-data/erase-personal-data.controller';
import { RestoreRevisionController } from './restore-revision/restore-revision.controller';
import { RestoreRevisionHandler } from './restore-revision/restore-revision.handler';
import { AuditQueriesInterceptor } from './time-travel/audit-queries.interceptor';

class AuditLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(QuestionStreamsIndexer) private readonly indexer: QuestionStreamsIndexer,
    @Inject(AUDIT_EVENT_STORE) private readonly store: EventStore,
  ) {}

  onApplicationBootstrap(): void {
    this.indexer.start();
  }

  // Before the shared MongoDB client closes: the indexer's last batch still writes to it.
  async beforeApplicationShutdown(): Promise<void> {
    await this.indexer.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

@Module({
  imports: [CqrsModule.forRoot()],
  controllers: [AuditStreamsController, RestoreRevisionController, ErasePersonalDataController],
  providers: [
    {
      provide: AUDIT_EVENT_STORE,
      inject: [RUNTIME],
      useFactory: (runtime: Runtime): EventStore => new EventStoreDbAdapter(runtime.eventStoreUrl),
    },
    {
      provide: CommandRunner,
      inject: [AUDIT_EVENT_STORE],
      useFactory: (store: EventStore) => new CommandRunner(store),
    },
    {
      provide: UserDirectory,
      inject: [AUDIT_EVENT_STORE],
      useFactory: (store: EventStore) => new UserDirectory(store),
    },
    {
      provide: TokenService,
      inject: [RUNTIME],
      useFactory: (runtime: Runtime) => new TokenService({ secret: runtime.secrets.jwtSecret }),
    },
    {
      provide: PersonalDataVault,
      inject: [AUDIT_EVENT_STORE, RUNTIME],
      useFactory: (store: EventStore, runtime: Runtime) =>
        new PersonalDataVault(store, { hashKey: runtime.secrets.hashKey }),
    },
    {
      provide: ActorResolver,
      inject: [TokenService, PersonalDataVault],
      useFactory: (tokens: TokenService, vault: PersonalDataVault) =>
        new ActorResolver(tokens, (ip) => vault.hashIp(ip)),
    },
    ActorGuard,
    {
      provide: PersonalDataEraser,
      inject: [AUDIT_EVENT_STORE, PersonalDataVault, MONGO_DB],
      useFactory: (store: EventStore, vault: PersonalDataVault, db: Db) =>
        new PersonalDataEraser(store, vault, db),
    },
    {
      provide: ReadModelLocator,
      inject: [MONGO_DB],
      useFactory: (db: Db) => new ReadModelLocator(db),
    },
    {
      provide: QuestionStreamsStore,
      inject: [MONGO_DB],
      useFactory: (db: Db) => new QuestionStreamsStore(db),
    },
    {
      provide: QuestionStreamsIndexer,
      inject: [AUDIT_EVENT_STORE, QuestionStreamsStore],
      useFactory: (store: EventStore, index: QuestionStreamsStore) =>
        new QuestionStreamsIndexer(store, index),
    },
    {
      provide: QuestionTimeTravel,
      inject: [AUDIT_EVENT_STORE, QuestionStreamsStore],
      useFactory: (store: EventStore, index: QuestionStreamsStore) =>
        new QuestionTimeTravel(store, index),
    },
    { provide: APP_INTERCEPTOR, useClass: AuditQueriesInterceptor },
    AuditLifecycle,
    RestoreRevisionHandler,
  ],
})
export class AuditModule {}
