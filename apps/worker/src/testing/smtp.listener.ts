/**
 * A real SMTP listener (smtp-server) for the worker's tests, whose behaviour a test switches
 * at will: accept, refuse with a reply code, drop the connection, or answer slowly. Every
 * accepted message is parsed (mailparser) and kept with its raw source.
 */
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type ListenerBehaviour =
  | { kind: 'accept'; delayMs?: number }
  | { kind: 'refuse'; code: number; message?: string }
  | { kind: 'drop' };

export interface ReceivedMail {
  to: string;
  from: string;
  raw: string;
  parsed: ParsedMail;
  receivedAt: number;
  header(name: string): string | undefined;
}

export interface SmtpListener {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Messages refused or dropped so far (each attempt counts). */
  rejected: number;
  /** Messages whose sender hung up before the listener answered (so not delivered). */
  abandoned: number;
  /** Messages received and waiting for their (delayed) answer right now. */
  inFlight: number;
  behave(b: ListenerBehaviour): void;
  /** Resolves once `count` messages were accepted in total. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpListener(port = 0): Promise<SmtpListener> {
  let behaviour: ListenerBehaviour = { kind: 'accept' };
  const received: ReceivedMail[] = [];
  const waiters: Array<() => void> = [];
  const sockets = new Set<Socket>();
  let rejected = 0;
  let abandoned = 0;
  let inFlight = 0;
  const socketOf = (remotePort: number) => [...sockets].find((s) => s.remotePort === remotePort);

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(session, callback) {
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const current = behaviour;
        if (current.kind === 'drop') {
          rejected++;
          for (const s of sockets) s.destroy();
          return;
        }
        if (current.kind === 'refuse') {
          rejected++;
          callback(
            Object.assign(new Error(current.message ?? 'Refused'), { responseCode: current.code }),
          );
          return;
        }
        inFlight++;
        if (current.delayMs) await new Promise((r) => setTimeout(r, current.delayMs));
        inFlight--;
        // A server takes responsibility for a message only by answering 250; when the client
        // gave up before that, the message is not delivered (RFC 5321 4.1.1.4).
        const socket = socketOf(session.remotePort);
        if (!socket || socket.destroyed) {
          abandoned++;
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = await simpleParser(raw);
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address).join(','),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          raw,
          parsed,
          receivedAt: Date.now(),
          header: (name) => {
            const v = parsed.headers.get(name.toLowerCase());
            return v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
          },
        });
        callback(null, 'OK: queued');
        for (const w of waiters.splice(0)) w();
      });
    },
  });
  server.on('error', () => undefined);
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const actualPort = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${actualPort}`,
    port: actualPort,
    received,
    get rejected() {
      return rejected;
    },
    get abandoned() {
      return abandoned;
    },
    get inFlight() {
      return inFlight;
    },
    behave(b) {
      behaviour = b;
    },
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(
            `Expected ${count} emails, received ${received.length} within ${timeoutMs} ms.`,
          );
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received.slice(0, count);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
