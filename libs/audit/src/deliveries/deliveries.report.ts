/**
 * `audit deliveries <question id>`: every notification email about one question, oldest
 * first, from the worker's deliveries log: to whom (a masked address, or nothing once the
 * person was erased), sent, skipped or failed, when and why.
 */
import { DELIVERIES_COLLECTION, type Delivery } from '@qa/notifications';
import type { Db } from 'mongodb';

export interface DeliveryLine {
  at: string;
  eventType: string;
  eventId: string;
  recipient: string;
  status: Delivery['status'];
  reason: string | null;
  attempts: number;
}

export async function questionDeliveries(db: Db, questionId: string): Promise<DeliveryLine[]> {
  const deliveries = db.collection<Delivery>(DELIVERIES_COLLECTION);
  // The worker indexes the log by recipient and event; questions are an audit-only lookup.
  await deliveries.createIndex({ questionId: 1, at: 1 }, { name: 'audit_questionId' });
  const docs = await deliveries.find({ questionId }).sort({ at: 1, _id: 1 }).toArray();
  return docs.map((d) => ({
    at: new Date(d.at).toISOString(),
    eventType: d.eventType,
    eventId: d.eventId,
    recipient: d.recipient ?? '[erased]',
    status: d.status,
    reason: d.reason,
    attempts: d.attempts,
  }));
}
