/**
 * The deliveries log: one document per event and recipient, answering "was this person
 * told?" without keeping their address (a keyed hash and a redacted form only).
 */
import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
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

  constructor(db: Db) {
    this.deliveries = db.collection<Delivery>(DELIVERIES_COLLECTION);
    // Two batches in flight: a slow round trip does not hold up every send behind it.
    this.writes = new Coalescer((batch) => this.writeBatch(batch), 500, 5, 2);
    this.sentChecks = new Coalescer(
      async (ids) => {
        const sent = await this.deliveries
          .find({ _id: { $in: [...new Set(ids)] }, status: 'sent' }, { projection: { _id: 1 } })
          .toArray();
        const set = new Set(sent.map((d) => d._id));
        return ids.map((id) => set.has(id));
      },
      500,
      2,
      2,
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
    const ops: AnyBulkWriteOperation<Delivery>[] = batch.map((delivery) => {
      if (delivery.status === 'sent') {
        return {
          replaceOne: { filter: { _id: delivery._id }, replacement: delivery, upsert: true },
        };
      }
      const { _id, ...fields } = delivery;
      return {
        updateOne: {
          filter: { _id, status: { $ne: 'sent' } },
          update: { $set: fields },
          upsert: true,
        },
      };
    });
    const results: Array<void | Error> = batch.map(() => undefined);
    try {
      await this.deliveries.bulkWrite(ops, { ordered: false });
    } catch (e) {
      const writeErrors = (
        e as { writeErrors?: Array<{ index: number; code: number; errmsg?: string }> }
      ).writeErrors;
      if (!writeErrors) throw e;
      for (const w of writeErrors) {
        // A duplicate key here is the upsert meeting an existing `sent` record: the email did go out.
        if (w.code !== 11000) results[w.index] = new Error(w.errmsg ?? `write error ${w.code}`);
      }
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
