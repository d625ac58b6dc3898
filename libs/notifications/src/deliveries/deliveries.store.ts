/**
 * The deliveries log: one document per event and recipient, answering "was this person
 * told?" without keeping their address (a keyed hash and a redacted form only).
 */
import type { Collection, Db } from 'mongodb';
import { Coalescer } from '@qa/common';

export type DeliveryStatus = 'sent' | 'failed' | 'skipped';

export interface Delivery {
  /** `<eventId>.<recipient hash prefix>`, the job id: one document per delivery. */
  _id: string;
  eventId: string;
  eventType: string;
  questionId: string;
  recipientHash: string;
  /** e.g. `j***@e***.com`, for people reading the log; null when the address is unreadable. */
  recipient: string | null;
  status: DeliveryStatus;
  /** Why it was skipped or failed, when it was. */
  reason: string | null;
  attempts: number;
  at: Date;
  smtpResponse: string | null;
  messageId: string | null;
}

export const DELIVERIES_COLLECTION = 'deliveries';

export class DeliveriesStore {
  private readonly deliveries: Collection<Delivery>;
  private readonly writes: Coalescer<Delivery, void>;
  private readonly sentChecks: Coalescer<string, boolean>;

  constructor(private readonly db: Db) {
    this.deliveries = db.collection<Delivery>(DELIVERIES_COLLECTION);
    // Two batches in flight: a slow round trip does not hold up every send behind it.
    this.writes = new Coalescer((batch) => this.writeBatch(batch), { linger: 5, maxInFlight: 2 });
    this.sentChecks = new Coalescer(
      async (ids) => {
        const unique = [...new Set(ids)];
        // The find command itself: one small reply, none of a driver cursor's layers.
        const reply = await this.db.command({
          find: DELIVERIES_COLLECTION,
          filter: { _id: { $in: unique }, status: 'sent' },
          projection: { _id: 1 },
          batchSize: unique.length + 1,
          singleBatch: true,
        });
        const sent = (reply as { cursor: { firstBatch: Array<{ _id: string }> } }).cursor
          .firstBatch;
        const set = new Set(sent.map((d) => d._id));
        return ids.map((id) => set.has(id));
      },
      { linger: 2, maxInFlight: 2 },
    );
  }

  async ensureIndexes(): Promise<void> {
    await this.deliveries.createIndex({ recipientHash: 1, at: -1 });
    await this.deliveries.createIndex({ eventId: 1 });
  }

  /**
   * Records the outcome; resolves once it is written. A `sent` record is final: a late
   * `failed` or `skipped` from a duplicate attempt must not overwrite the fact that the email
   * went out. Records made at the same moment are written in one bulk write.
   */
  record(delivery: Delivery): Promise<void> {
    return this.writes.submit(delivery);
  }

  private async writeBatch(batch: Delivery[]): Promise<Array<void | Error>> {
    // One update command with a statement per record, as bulkWrite would send it, without
    // building its operation objects first.
    const updates = batch.map((delivery) => {
      if (delivery.status === 'sent') {
        return { q: { _id: delivery._id }, u: delivery, upsert: true };
      }
      const { _id, ...fields } = delivery;
      return { q: { _id, status: { $ne: 'sent' } }, u: { $set: fields }, upsert: true };
    });
    const reply = (await this.db.command({
      update: DELIVERIES_COLLECTION,
      updates,
      ordered: false,
    })) as {
      writeErrors?: Array<{ index: number; code: number; errmsg?: string }>;
      writeConcernError?: { code?: number; errmsg?: string };
    };
    const results: Array<void | Error> = batch.map(() => undefined);
    for (const w of reply.writeErrors ?? []) {
      // A duplicate key here is the upsert meeting an existing `sent` record: the email did go out.
      if (w.code !== 11000) results[w.index] = new Error(w.errmsg ?? `write error ${w.code}`);
    }
    if (reply.writeConcernError) {
      throw new Error(reply.writeConcernError.errmsg ?? 'write concern error');
    }
    return results;
  }

  /** Whether this delivery already went out; checks made at the same moment share a query. */
  wasSent(id: string): Promise<boolean> {
    return this.sentChecks.submit(id);
  }

  /** Everything recorded for one address hash, newest first. */
  forRecipient(recipientHash: string): Promise<Delivery[]> {
    return this.deliveries.find({ recipientHash }).sort({ at: -1 }).toArray();
  }

  forEvent(eventId: string): Promise<Delivery[]> {
    return this.deliveries.find({ eventId }).toArray();
  }
}
