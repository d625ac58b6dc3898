/**
 * Sends one notification email: opens the sealed address (an erased person gets nothing),
 * checks the unsubscribe list at send time, renders, sends, and records the outcome in the
 * deliveries log. A permanent SMTP refusal is not retried; anything else is, by BullMQ.
 */
import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import type { Sealed } from '@qa/domain';
import type { DeliveriesStore, Delivery } from '../deliveries/deliveries.store';
import type { NotificationEmailJob } from '../jobs/notification.jobs';
import { notificationJobId } from '../jobs/notification.jobs';
import type { Mailer } from '../mail/mailer.port';
import { MailerError } from '../mail/mailer.port';
import { redactEmail, scrubAddresses } from '../mail/redact-email';
import { renderNotificationEmail } from '../templates/notification-email.template';
import { createUnsubscribeToken, unsubscribeUrl } from '../unsubscribe/unsubscribe.token';
import type { UnsubscribeStore } from '../unsubscribe/unsubscribe.store';

export interface SealedOpener {
  open(sealed: Sealed, options?: { fresh?: boolean }): Promise<string | null>;
}

export interface NotificationLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface EmailProcessorDeps {
  vault: SealedOpener;
  mailer: Mailer;
  deliveries: Pick<DeliveriesStore, 'wasSent' | 'record'>;
  unsubscribes: Pick<UnsubscribeStore, 'isUnsubscribed'>;
  logger: NotificationLogger;
  siteTitle: string;
  publicUrl: string;
  mailFrom: string;
  unsubscribeSecret: string;
  now?: () => Date;
}

/** Unsubscribe links by email hash: one HMAC per address, not one per email. */
const TOKEN_CACHE_SIZE = 10_000;

export type EmailOutcome = 'sent' | 'already-sent' | 'unsubscribed' | 'erased';

export function createEmailProcessor(deps: EmailProcessorDeps) {
  const now = deps.now ?? (() => new Date());
  const host = new URL(deps.publicUrl).hostname || 'localhost';
  const postBase = deps.publicUrl.replace(/\/+$/, '');
  const unsubscribeLinks = new Map<string, string>();
  const unsubscribeLink = (hash: string) => {
    let link = unsubscribeLinks.get(hash);
    if (link === undefined) {
      link = unsubscribeUrl(deps.publicUrl, createUnsubscribeToken(deps.unsubscribeSecret, hash));
      if (unsubscribeLinks.size >= TOKEN_CACHE_SIZE) unsubscribeLinks.clear();
      unsubscribeLinks.set(hash, link);
    }
    return link;
  };

  return async function processNotificationEmail(
    job: Job<NotificationEmailJob>,
  ): Promise<EmailOutcome> {
    const data = job.data;
    const id = notificationJobId(data.eventId, data.recipient.hash);
    const attempt = job.attemptsMade + 1;
    const base = {
      _id: id,
      eventId: data.eventId,
      eventType: data.eventType,
      questionId: data.questionId,
      recipientHash: data.recipient.hash,
    };
    const log = {
      jobId: job.id,
      eventId: data.eventId,
      recipientHash: data.recipient.hash.slice(0, 12),
    };

    // The three checks are independent round trips to different servers: started together,
    // they cost one wait instead of three, and are still decided in this order.
    const sentCheck = deps.deliveries.wasSent(id);
    const opening = deps.vault.open(data.recipient.email, { fresh: true });
    const unsubscribedCheck = deps.unsubscribes.isUnsubscribed(data.recipient.hash);
    // Whichever decides first, a failure of the others must not go unhandled.
    for (const check of [sentCheck, opening, unsubscribedCheck]) check.catch(() => undefined);

    // The email may have gone out already: an attempt that crashed or stalled after the
    // server accepted it, or a job enqueued again after the first one was completed and
    // removed. The deliveries log says so, and the email must not go out twice.
    if (await sentCheck) {
      deps.logger.info(log, 'notification already sent');
      return 'already-sent';
    }

    // Opened fresh: an erasure in another process (an anonymous address has no event the
    // reactor could learn it from) must stop the email, not wait for a cached key to expire.
    const address = await opening;
    if (address === null) {
      await deps.deliveries.record(skipped(base, null, 'erased', attempt, now()));
      deps.logger.info(log, 'notification skipped: personal data erased');
      return 'erased';
    }
    const recipient = redactEmail(address);
    if (await unsubscribedCheck) {
      await deps.deliveries.record(skipped(base, recipient, 'unsubscribed', attempt, now()));
      deps.logger.info(log, 'notification skipped: unsubscribed');
      return 'unsubscribed';
    }

    const unsubscribe = unsubscribeLink(data.recipient.hash);
    const rendered = renderNotificationEmail({
      siteTitle: deps.siteTitle,
      reason: data.reason,
      questionTitle: data.content.questionTitle,
      actorName: data.content.actorName,
      text: data.content.text,
      postUrl: `${postBase}${data.content.path}`,
      unsubscribeUrl: unsubscribe,
    });
    const messageId = `<${id}@${host}>`;

    try {
      const sent = await deps.mailer.send({
        from: deps.mailFrom,
        to: address,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        messageId,
        headers: {
          'List-Unsubscribe': `<${unsubscribe}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          'Auto-Submitted': 'auto-generated',
          'X-Notification-Event': data.eventId,
        },
      });
      await deps.deliveries.record({
        ...base,
        recipient,
        status: 'sent',
        reason: null,
        attempts: attempt,
        at: now(),
        smtpResponse: scrubAddresses(sent.response),
        messageId,
      });
      deps.logger.debug({ ...log, attempt }, 'notification sent');
      return 'sent';
    } catch (e) {
      const error =
        e instanceof MailerError
          ? e
          : new MailerError(String((e as Error)?.message), false, null, null);
      const maxAttempts = job.opts.attempts ?? 1;
      const final = error.permanent || attempt >= maxAttempts;
      if (final) {
        await deps.deliveries.record({
          ...base,
          recipient,
          status: 'failed',
          reason: error.message,
          attempts: attempt,
          at: now(),
          smtpResponse: error.response ? scrubAddresses(error.response) : null,
          messageId,
        });
      }
      deps.logger.warn(
        { ...log, attempt, permanent: error.permanent, responseCode: error.responseCode },
        final ? 'notification failed for good' : 'notification failed, will retry',
      );
      if (error.permanent) throw new UnrecoverableError(error.message);
      throw error;
    }
  };
}

function skipped(
  base: Pick<Delivery, '_id' | 'eventId' | 'eventType' | 'questionId' | 'recipientHash'>,
  recipient: string | null,
  reason: string,
  attempts: number,
  at: Date,
): Delivery {
  return {
    ...base,
    recipient,
    status: 'skipped',
    reason,
    attempts,
    at,
    smtpResponse: null,
    messageId: null,
  };
}
