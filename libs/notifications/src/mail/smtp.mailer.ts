/**
 * The Mailer port on a pooled nodemailer SMTP transport: a few long-lived connections reused
 * for many messages, which is what makes hundreds of emails a second possible.
 */
import { createTransport } from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { Mailer, OutgoingEmail, SentEmail } from './mailer.port';
import { MailerError } from './mailer.port';
import { composeMime, parseMailbox } from './mime.composer';

export interface SmtpMailerOptions {
  /** `smtp://[user:pass@]host:port` or `smtps://...`. */
  url: string;
  maxConnections?: number;
  /** Messages sent over one connection before it is replaced. */
  maxMessages?: number;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  /** Inactivity on an open connection before giving up (a server that stopped answering). */
  socketTimeoutMs?: number;
}

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;
  private readonly senders = new Map<string, string>();

  constructor(options: SmtpMailerOptions) {
    this.transport = createTransport({
      url: options.url,
      pool: true,
      maxConnections: options.maxConnections ?? 10,
      maxMessages: options.maxMessages ?? 1000,
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      greetingTimeout: options.greetingTimeoutMs ?? 10_000,
      socketTimeout: options.socketTimeoutMs ?? 60_000,
      // Local sinks and development servers rarely have a certificate a client can check.
      tls: { rejectUnauthorized: !/^smtp:\/\/(127\.0\.0\.1|localhost)[:/]/.test(options.url) },
    } as Parameters<typeof createTransport>[0]);
  }

  async send(email: OutgoingEmail): Promise<SentEmail> {
    try {
      // One buffer composed up front: the transport writes it to the socket in one piece
      // instead of one small write per MIME line (most of the cost at hundreds a second).
      const raw = composeMime(email);
      const info = await this.transport.sendMail({
        envelope: { from: this.envelopeFrom(email.from), to: [email.to] },
        raw,
      });
      return {
        messageId: String(info.messageId ?? email.messageId),
        response: String(info.response ?? ''),
      };
    } catch (e) {
      throw toMailerError(e);
    }
  }

  private envelopeFrom(from: string): string {
    let address = this.senders.get(from);
    if (address === undefined) {
      address = parseMailbox(from).address;
      this.senders.set(from, address);
    }
    return address;
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/** SMTP 5xx is a refusal for good; any other failure may pass on a later attempt. */
export function toMailerError(e: unknown): MailerError {
  const err = e as { message?: string; responseCode?: unknown; response?: unknown; code?: unknown };
  const responseCode = typeof err?.responseCode === 'number' ? err.responseCode : null;
  const response = typeof err?.response === 'string' ? err.response : null;
  const permanent = responseCode !== null && responseCode >= 500 && responseCode < 600;
  const what = responseCode !== null ? `SMTP ${responseCode}` : String(err?.code ?? 'error');
  // The server's reply may quote the recipient; keep it out of the message that gets logged.
  return new MailerError(`Sending failed (${what}).`, permanent, responseCode, response);
}
