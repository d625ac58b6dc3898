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
} from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import {
  PersonalDataEraser,
  QuestionStreamsIndexer,
  QuestionStreamsStore,
  QuestionTimeTravel,
} from '@qa/audit';
import { MONGO_DB, PersonalDataVault } from '@qa/common';
import { ReadModelLocator } from '@qa/read-models';
import type { EventStore } from '@qa/event-store';
import type { Db } from 'mongodb';
import { AuditStreamsController } from './audit-streams/audit-streams.controller';
import { CoreModule } from '../core/core.module';
import { EVENT_STORE } from '../commands/shared/tokens';
import { ErasePersonalDataController } from './erase-personal-data/erase-personal-data.controller';
import { RestoreRevisionController } from './restore-revision/restore-revision.controller';
import { RestoreRevisionHandler } from './restore-revision/restore-revision.handler';
import { AuditQueriesHooks } from './time-travel/audit-queries.hooks';

class AuditLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(QuestionStreamsIndexer) private readonly indexer: QuestionStreamsIndexer) {}

  onApplicationBootstrap(): void {
    this.indexer.start();
  }

  // Before the shared clients close: the indexer's last batch still reads and writes.
  async beforeApplicationShutdown(): Promise<void> {
    await this.indexer.stop();
  }
}

@Module({
  imports: [CqrsModule.forRoot(), CoreModule],
  controllers: [AuditStreamsController, RestoreRevisionController, ErasePersonalDataController],
  providers: [
    {
      provide: PersonalDataEraser,
      inject: [EVENT_STORE, PersonalDataVault, MONGO_DB],
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
      inject: [EVENT_STORE, QuestionStreamsStore],
      useFactory: (store: EventStore, index: QuestionStreamsStore) =>
        new QuestionStreamsIndexer(store, index),
    },
    {
      provide: QuestionTimeTravel,
      inject: [EVENT_STORE, QuestionStreamsStore],
      useFactory: (store: EventStore, index: QuestionStreamsStore) =>
        new QuestionTimeTravel(store, index),
    },
    AuditQueriesHooks,
    AuditLifecycle,
    RestoreRevisionHandler,
  ],
})
export class AuditModule {}
