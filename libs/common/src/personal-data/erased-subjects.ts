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
import type { Collection, Db } from 'mongodb';
import { Coalescer } from '../coalescer';

export const ERASED_SUBJECTS_COLLECTION = 'erasedSubjects';

interface ErasedSubject {
  _id: string;
  at: Date;
}

/** What an eraser writes and a key cache checks. */
export interface ErasureRegister {
  /** Idempotent: the first time is kept. Must be durable before the key is deleted. */
  record(subject: string, at?: Date): Promise<void>;
  isErased(subject: string): Promise<boolean>;
}

export class ErasedSubjects implements ErasureRegister {
  private readonly erased: Collection<ErasedSubject>;
  /** Checks made while sending many emails at once share one query. */
  private readonly lookups: Coalescer<string, boolean>;

  constructor(private readonly db: Db) {
    this.erased = db.collection<ErasedSubject>(ERASED_SUBJECTS_COLLECTION);
    this.lookups = new Coalescer(
      async (subjects) => {
        const unique = [...new Set(subjects)];
        // The find command itself: one small reply, none of a driver cursor's layers.
        const reply = await this.db.command({
          find: ERASED_SUBJECTS_COLLECTION,
          filter: { _id: { $in: unique } },
          projection: { _id: 1 },
          batchSize: unique.length + 1,
          singleBatch: true,
        });
        const found = (reply as { cursor: { firstBatch: Array<{ _id: string }> } }).cursor
          .firstBatch;
        const set = new Set(found.map((d) => d._id));
        return subjects.map((s) => set.has(s));
      },
      500,
      2,
      2,
    );
  }

  async record(subject: string, at = new Date()): Promise<void> {
    await this.erased.updateOne({ _id: subject }, { $setOnInsert: { at } }, { upsert: true });
  }

  isErased(subject: string): Promise<boolean> {
    return this.lookups.submit(subject);
  }
}
