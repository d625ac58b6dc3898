/** Addresses that asked for no more mail, by keyed email hash (never the address itself). */
import type { Collection, Db } from 'mongodb';

export const UNSUBSCRIBED_COLLECTION = 'unsubscribed';

interface Unsubscribed {
  _id: string;
  at: Date;
}

export class UnsubscribeStore {
  private readonly unsubscribed: Collection<Unsubscribed>;

  constructor(db: Db) {
    this.unsubscribed = db.collection<Unsubscribed>(UNSUBSCRIBED_COLLECTION);
  }

  /** Idempotent: unsubscribing twice keeps the first time. */
  async unsubscribe(emailHash: string, at: Date): Promise<void> {
    await this.unsubscribed.updateOne(
      { _id: emailHash },
      { $setOnInsert: { at } },
      { upsert: true },
    );
  }

  async isUnsubscribed(emailHash: string): Promise<boolean> {
    return (await this.unsubscribed.countDocuments({ _id: emailHash }, { limit: 1 })) > 0;
  }
}
