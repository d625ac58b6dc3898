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

/**
 * The part of nodemailer's SMTP pool a message is handed to. A message already composed
 * needs none of what `sendMail` does on top (a MIME tree built and a message id generated
 * for every call, even for a raw message): the pool takes an envelope and a stream.
 */
interface PoolMessage {
  data: Record<string, never>;
  message: {
    getEnvelope(): { from: string; to: string[] };
    messageId(): string;
    getHeader(name: string): string;
    /** Called again for each attempt over another connection of the pool. */
    createReadStream(): Buffer;
  };
}

interface SmtpPool {
  send(
    mail: PoolMessage,
    callback: (err: Error | null, info?: { response?: string }) => void,
  ): void;
}

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;
  private readonly pool: SmtpPool;
  private readonly senders = new Map<string, string>();

  constructor(options: SmtpMailerOptions) {
    this.transport = createTransport({
      url: options.url,
      pool: true,
      maxConnections: options.maxConnections ?? 20,
      maxMessages: options.maxMessages ?? 1000,
      connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      greetingTimeout: options.greetingTimeoutMs ?? 10_000,
      socketTimeout: options.socketTimeoutMs ?? 60_000,
      // Local sinks and development servers rarely have a certificate a client can check.
      tls: { rejectUnauthorized: !/^smtp:\/\/(127\.0\.0\.1|localhost)[:/]/.test(options.url) },
    } as Parameters<typeof createTransport>[0]);
    this.pool = (this.transport as unknown as { transporter: SmtpPool }).transporter;
  }

  async send(email: OutgoingEmail): Promise<SentEmail> {
    // One buffer composed up front: the connection writes it to the socket in one piece
    // instead of one small write per MIME line (most of the cost at hundreds a second).
    const raw = composeMime(email);
    const envelope = { from: this.envelopeFrom(email.from), to: [email.to] };
    const messageId = email.messageId;
    const response = await new Promise<string>((resolve, reject) =>
      this.pool.send(
        {
          data: {},
          message: {
            getEnvelope: () => ({ from: envelope.from, to: [...envelope.to] }),
            messageId: () => messageId,
            getHeader: (name) => (name.toLowerCase() === 'message-id' ? messageId : ''),
            // The connection takes a buffer as well as a stream (`SMTPConnection#send`):
            // it writes it through its dot-escaping stream without a Readable and a pipe
            // made for every message.
            createReadStream: () => raw,
          },
        },
        (err, info) => (err ? reject(toMailerError(err)) : resolve(String(info?.response ?? ''))),
      ),
    );
    return { messageId, response };
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
