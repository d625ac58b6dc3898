/** Addresses that asked for no more mail, by keyed email hash (never the address itself). */
import type { Collection, Db } from 'mongodb';
import { Coalescer } from '@qa/common';

export const UNSUBSCRIBED_COLLECTION = 'unsubscribed';

interface Unsubscribed {
  _id: string;
  at: Date;
}

export class UnsubscribeStore {
  private readonly unsubscribed: Collection<Unsubscribed>;
  /** Checks made while sending many emails at once share one query. */
  private readonly lookups: Coalescer<string, boolean>;

  constructor(private readonly db: Db) {
    this.unsubscribed = db.collection<Unsubscribed>(UNSUBSCRIBED_COLLECTION);
    this.lookups = new Coalescer(
      async (hashes) => {
        const unique = [...new Set(hashes)];
        // The find command itself: one small reply, none of a driver cursor's layers.
        const reply = await this.db.command({
          find: UNSUBSCRIBED_COLLECTION,
          filter: { _id: { $in: unique } },
          projection: { _id: 1 },
          batchSize: unique.length + 1,
          singleBatch: true,
        });
        const found = (reply as { cursor: { firstBatch: Array<{ _id: string }> } }).cursor
          .firstBatch;
        const set = new Set(found.map((d) => d._id));
        return hashes.map((h) => set.has(h));
      },
      500,
      2,
      2,
    );
  }

  /** Idempotent: unsubscribing twice keeps the first time. */
  async unsubscribe(emailHash: string, at: Date): Promise<void> {
    await this.unsubscribed.updateOne(
      { _id: emailHash },
      { $setOnInsert: { at } },
      { upsert: true },
    );
  }

  isUnsubscribed(emailHash: string): Promise<boolean> {
    return this.lookups.submit(emailHash);
  }
}
