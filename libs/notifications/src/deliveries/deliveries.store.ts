/**
 * The deliveries log: one document per event and recipient, answering "was this person
 * told?" without keeping their address (a keyed hash and a redacted form only).
 */
import type { Collection, Db } from 'mongodb';

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

  constructor(db: Db) {
    this.deliveries = db.collection<Delivery>(DELIVERIES_COLLECTION);
  }

  async ensureIndexes(): Promise<void> {
    await this.deliveries.createIndex({ recipientHash: 1, at: -1 });
    await this.deliveries.createIndex({ eventId: 1 });
  }

  /**
   * Records the outcome. A `sent` record is final: a late `failed` from a duplicate attempt
   * must not overwrite the fact that the email went out.
   */
  async record(delivery: Delivery): Promise<void> {
    if (delivery.status === 'sent') {
      await this.deliveries.replaceOne({ _id: delivery._id }, delivery, { upsert: true });
      return;
    }
    const { _id, ...fields } = delivery;
    try {
      await this.deliveries.updateOne(
        { _id, status: { $ne: 'sent' } },
        { $set: fields },
        { upsert: true },
      );
    } catch (e) {
      // The upsert collided with an existing `sent` document: the email did go out.
      if ((e as { code?: number }).code !== 11000) throw e;
    }
  }

  async wasSent(id: string): Promise<boolean> {
    return (await this.deliveries.countDocuments({ _id: id, status: 'sent' }, { limit: 1 })) > 0;
  }

  /** Everything recorded for one address hash, newest first. */
  forRecipient(recipientHash: string): Promise<Delivery[]> {
    return this.deliveries.find({ recipientHash }).sort({ at: -1 }).toArray();
  }

  forEvent(eventId: string): Promise<Delivery[]> {
    return this.deliveries.find({ eventId }).toArray();
  }
}
