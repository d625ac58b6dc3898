/** Addresses that asked for no more mail, by keyed email hash (never the address itself). */
import type { Db } from 'mongodb';
import { MongoIdSet } from '@qa/common';

export const UNSUBSCRIBED_COLLECTION = 'unsubscribed';

export class UnsubscribeStore {
  private readonly unsubscribed: MongoIdSet;

  constructor(db: Db) {
    this.unsubscribed = new MongoIdSet(db, UNSUBSCRIBED_COLLECTION);
  }

  /** Idempotent: unsubscribing twice keeps the first time. */
  unsubscribe(emailHash: string, at: Date): Promise<void> {
    return this.unsubscribed.add(emailHash, at);
  }

  /** Checks made while sending many emails at once share one query. */
  isUnsubscribed(emailHash: string): Promise<boolean> {
    return this.unsubscribed.has(emailHash);
  }
}
