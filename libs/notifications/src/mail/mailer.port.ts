/** What the notification processor needs from a mail transport, and how sending fails. */

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Deterministic per delivery, so a receiving system can recognise a duplicate. */
  messageId: string;
  headers: Record<string, string>;
}

export interface SentEmail {
  messageId: string;
  /** The server's final reply, e.g. `250 OK: queued`. */
  response: string;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<SentEmail>;
  close(): Promise<void>;
}

/**
 * Sending failed. `permanent` is true when the server refused for good (SMTP 5xx): retrying
 * cannot help. Everything else (4xx, dropped or refused connections, timeouts) is transient.
 */
export class MailerError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly responseCode: number | null,
    readonly response: string | null,
  ) {
    super(message);
    this.name = 'MailerError';
  }
}
