/**
 * Which version of the read models is served, and the checkpoints. A replay builds version
 * N+1 beside N and flips `active` once caught up; the projector and the API follow the flip.
 */
import type { Db } from 'mongodb';
import type { CheckpointStore, Position } from '@qa/event-store';

export const META_COLLECTION = 'readModelMeta';
export const CHECKPOINTS_COLLECTION = 'checkpoints';

interface MetaDoc {
  _id: string;
  version: number;
  at: Date;
}

/** The subscription name (and checkpoint key) of the projector building one version. */
export const checkpointName = (version: number) => `read-models-v${version}`;

export async function activeVersion(db: Db): Promise<number> {
  const doc = await db.collection<MetaDoc>(META_COLLECTION).findOne({ _id: 'active' });
  if (doc) return doc.version;
  // First start: version 1. Upsert with $setOnInsert so two starting processes agree.
  await db
    .collection<MetaDoc>(META_COLLECTION)
    .updateOne({ _id: 'active' }, { $setOnInsert: { version: 1, at: new Date() } }, { upsert: true });
  return (await db.collection<MetaDoc>(META_COLLECTION).findOne({ _id: 'active' }))?.version ?? 1;
}

export async function setActiveVersion(db: Db, version: number): Promise<void> {
  await db
    .collection<MetaDoc>(META_COLLECTION)
    .updateOne({ _id: 'active' }, { $set: { version, at: new Date() } }, { upsert: true });
}

/** Reserves the next version number for a rebuild (never reused, even if a rebuild fails). */
export async function reserveVersion(db: Db): Promise<number> {
  const current = await activeVersion(db);
  const doc = await db
    .collection<MetaDoc>(META_COLLECTION)
    .findOneAndUpdate(
      { _id: 'lastReserved' },
      { $max: { version: current }, $set: { at: new Date() } },
      { upsert: true, returnDocument: 'after' },
    );
  const next = Math.max(current, doc?.version ?? current) + 1;
  await db.collection<MetaDoc>(META_COLLECTION).updateOne({ _id: 'lastReserved' }, { $set: { version: next } });
  return next;
}

interface CheckpointDoc {
  _id: string;
  commit: string;
  prepare: string;
  at: Date;
}

/** Checkpoints in MongoDB, next to the documents they cover. */
export class MongoCheckpointStore implements CheckpointStore {
  constructor(private readonly db: Db) {}

  async load(name: string): Promise<Position | null> {
    const doc = await this.db.collection<CheckpointDoc>(CHECKPOINTS_COLLECTION).findOne({ _id: name });
    return doc ? { commit: BigInt(doc.commit), prepare: BigInt(doc.prepare) } : null;
  }

  async store(name: string, position: Position): Promise<void> {
    await this.db
      .collection<CheckpointDoc>(CHECKPOINTS_COLLECTION)
      .updateOne(
        { _id: name },
        { $set: { commit: position.commit.toString(), prepare: position.prepare.toString(), at: new Date() } },
        { upsert: true },
      );
  }

  async remove(name: string): Promise<void> {
    await this.db.collection<CheckpointDoc>(CHECKPOINTS_COLLECTION).deleteOne({ _id: name });
  }
}
