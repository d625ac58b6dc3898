/**
 * The read side over HTTP: GET endpoints answered from the MongoDB read models the projector
 * builds, with read-your-writes through `X-Wait-For-Position`.
 */
import { Module } from '@nestjs/common';
import { MONGO_DB } from '@qa/common';
import { ReadModelLocator } from '@qa/read-models';
import type { Db } from 'mongodb';
import { ProjectionProgress } from './projection-progress';
import { ReadModelsController } from './read-models.controller';
import { WaitForPositionGuard } from './wait-for-position.guard';

@Module({
  controllers: [ReadModelsController],
  providers: [
    { provide: ReadModelLocator, inject: [MONGO_DB], useFactory: (db: Db) => new ReadModelLocator(db) },
    ProjectionProgress,
    WaitForPositionGuard,
  ],
})
export class QueriesModule {}
