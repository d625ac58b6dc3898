/**
 * Every BullMQ job of the notification queue, by name, with its payload (STYLE.md #8).
 * Payloads never hold an address in clear: the recipient is the sealed value, opened at send
 * time, so Redis holds no readable address and an erasure before sending stops the email.
 */
import type { Id, Sealed } from '@qa/domain';
import type { NotificationReason } from '../recipients/recipients.rules';

export const NOTIFICATION_QUEUE = 'notifications';

export interface NotificationEmailJob {
  /** The event that caused it; with the recipient hash it identifies the delivery. */
  eventId: string;
  eventType: 'AnswerPosted' | 'CommentPosted' | 'AnswerSelected' | 'QuestionAsked';
  questionId: Id;
  reason: NotificationReason;
  recipient: {
    email: Sealed;
    /** Keyed hash of the lower-cased address (`hashEmail`): unsubscribe and audit key. */
    hash: string;
  };
  content: {
    questionTitle: string;
    /** Who wrote the new text, as pages show them. */
    actorName: string;
    /** The new text (Markdown source); the template makes the excerpt. */
    text: string;
    /** Path of the post below the public URL, e.g. `/questions/q1#answer-a1`. */
    path: string;
  };
}

export interface NotificationJobs {
  'send-notification-email': NotificationEmailJob;
}

export type NotificationJobName = keyof NotificationJobs;

export const SEND_NOTIFICATION_EMAIL: NotificationJobName = 'send-notification-email';

/**
 * One job per event and recipient: a re-delivered event or a restarted reactor enqueues the
 * same id again, which BullMQ ignores. (BullMQ refuses `:` in custom ids.)
 */
export function notificationJobId(eventId: string, recipientHash: string): string {
  return `${eventId}.${recipientHash.slice(0, 32)}`;
}
