/**
 * A MongoDB collection used as a set of string ids, each with the time it was first added
 * (the unsubscribed addresses, the erased subjects). Membership checks made at the same
 * moment, such as those of many emails being sent at once, share one query.
 */
import type { Collection, Db } from 'mongodb';
import { Coalescer } from './coalescer';

interface Member {
  _id: string;
  at: Date;
}

export class MongoIdSet {
  private readonly members: Collection<Member>;
  private readonly lookups: Coalescer<string, boolean>;

  constructor(
    private readonly db: Db,
    readonly collectionName: string,
  ) {
    this.members = db.collection<Member>(collectionName);
    this.lookups = new Coalescer((ids) => this.findMembers(ids), { linger: 2, maxInFlight: 2 });
  }

  /** Idempotent: adding an id again keeps the first time. */
  async add(id: string, at = new Date()): Promise<void> {
    await this.members.updateOne({ _id: id }, { $setOnInsert: { at } }, { upsert: true });
  }

  has(id: string): Promise<boolean> {
    return this.lookups.submit(id);
  }

  private async findMembers(ids: string[]): Promise<boolean[]> {
    const unique = [...new Set(ids)];
    // The find command itself: one small reply, none of a driver cursor's layers.
    const reply = await this.db.command({
      find: this.collectionName,
      filter: { _id: { $in: unique } },
      projection: { _id: 1 },
      batchSize: unique.length + 1,
      singleBatch: true,
    });
    const found = (reply as { cursor: { firstBatch: Array<{ _id: string }> } }).cursor.firstBatch;
    const set = new Set(found.map((d) => d._id));
    return ids.map((id) => set.has(id));
  }
}
