/**
 * The subjects whose personal data was erased, kept in MongoDB and written before their key
 * stream is tombstoned. A process that keeps subject keys in memory (the worker, which opens
 * an address for every email it sends) asks here at the moment of use instead of re-reading
 * the key from the event store: one indexed query shared by every email being sent at once,
 * instead of one stream read per email, and an erasure still wins over any cached key from
 * the moment it is recorded, whichever process made it.
 *
 * Not a read model: nothing rebuilds it from the history, and a replay leaves it alone.
 */
import type { Db } from 'mongodb';
import { MongoIdSet } from '../mongo-id-set';

export const ERASED_SUBJECTS_COLLECTION = 'erasedSubjects';

/** What an eraser writes and a key cache checks. */
export interface ErasureRegister {
  /** Idempotent: the first time is kept. Must be durable before the key is deleted. */
  record(subject: string, at?: Date): Promise<void>;
  isErased(subject: string): Promise<boolean>;
}

export class ErasedSubjects implements ErasureRegister {
  private readonly erased: MongoIdSet;

  constructor(db: Db) {
    this.erased = new MongoIdSet(db, ERASED_SUBJECTS_COLLECTION);
  }

  record(subject: string, at = new Date()): Promise<void> {
    return this.erased.add(subject, at);
  }

  isErased(subject: string): Promise<boolean> {
    return this.erased.has(subject);
  }
}
