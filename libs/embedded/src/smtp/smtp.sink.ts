/**
 * The embedded SMTP sink (EMBEDDED.md): accepts every message from anyone and stores it as
 * one `.eml` file, so a person trying the product (and the tests) can read what would have
 * been sent. Nothing is ever relayed.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, renameSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface SmtpSinkOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Where the `.eml` files go; created when missing. */
  dir: string;
  /** Largest accepted message in bytes (default 25 MiB, like common providers). */
  maxMessageBytes?: number;
}

export interface SmtpSink {
  url: string;
  port: number;
  dir: string;
  close(): Promise<void>;
}

/** File names sort by arrival: a zero-padded millisecond time, then a random suffix. */
export function messageFileName(now = Date.now()): string {
  return `${String(now).padStart(15, '0')}-${randomBytes(4).toString('hex')}.eml`;
}

export async function startSmtpSink(options: SmtpSinkOptions): Promise<SmtpSink> {
  const host = options.host ?? '127.0.0.1';
  const dir = path.resolve(options.dir);
  const maxBytes = options.maxMessageBytes ?? 25 * 1024 * 1024;
  await fs.mkdir(dir, { recursive: true });
  // Strictly increasing times, so two messages in the same millisecond keep their order.
  let lastTime = 0;
  const nextTime = () => (lastTime = Math.max(Date.now(), lastTime + 1));

  const server = new SMTPServer({
    name: 'qa-smtp-sink',
    banner: 'Q&A embedded SMTP sink: messages are stored, never delivered',
    authOptional: true,
    // Development sink on a local port: no TLS, accept plain AUTH if a client insists.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    size: maxBytes,
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'sink' });
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
          const err = Object.assign(new Error('Message exceeds the size limit'), {
            responseCode: 552,
          });
          callback(err);
          return;
        }
        const file = path.join(dir, messageFileName(nextTime()));
        // Written under a temporary name first so a reader never sees half a message.
        // Synchronously: a message is a few kilobytes, and the four system calls made
        // directly cost a fraction of the CPU of four thread-pool round trips with promises.
        const tmp = `${file}.part`;
        try {
          writeFileSync(tmp, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
          renameSync(tmp, file);
        } catch (err) {
          callback(err as Error);
          return;
        }
        callback(null, `Stored as ${path.basename(file)}`);
      });
    },
  });
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `smtp://${urlHost}:${port}`,
    port,
    dir,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
