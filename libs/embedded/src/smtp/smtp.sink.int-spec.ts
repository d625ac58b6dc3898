/**
 * The SMTP sink through a real SMTP client (nodemailer): every message is accepted, stored
 * as one .eml file, and read back newest first with its parts.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { listMessages, readMessage } from './mailbox';
import { startSmtpSink, type SmtpSink } from './smtp.sink';

describe('SMTP sink', () => {
  let dir: string;
  let sink: SmtpSink;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'qa-smtp-'));
    sink = await startSmtpSink({ port: 0, dir: path.join(dir, 'mail') });
  });

  afterAll(async () => {
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = async (message: SendMailOptions, auth = false) => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      ...(auth ? { auth: { user: 'someone', pass: 'anything' } } : {}),
    });
    try {
      return await transport.sendMail(message);
    } finally {
      transport.close();
    }
  };

  it('listens on the URL it reports', () => {
    expect(sink.url).toBe(`smtp://127.0.0.1:${sink.port}`);
  });

  it('stores each message as one .eml file and lists the newest first', async () => {
    const first = await send({
      from: 'site@example.org',
      to: 'ana@example.org',
      subject: 'First',
      text: 'one',
    });
    expect(first.accepted).toEqual(['ana@example.org']);
    await send(
      {
        from: 'site@example.org',
        to: ['ben@example.org', 'cy@example.org'],
        subject: 'Second',
        text: 'two',
        html: '<p>two</p>',
      },
      true,
    );

    const files = readdirSync(sink.dir).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(2);

    const list = await listMessages(sink.dir);
    expect(list.map((m) => m.subject)).toEqual(['Second', 'First']);
    expect(list[0].to).toBe('ben@example.org, cy@example.org');

    const second = await readMessage(sink.dir, list[0].id);
    expect(second).toMatchObject({ subject: 'Second', text: 'two', html: '<p>two</p>' });
    expect(second!.from).toBe('site@example.org');
  });

  it('does not read outside the mailbox', async () => {
    expect(await readMessage(sink.dir, '../../etc/passwd')).toBeNull();
    expect(await readMessage(sink.dir, '000000000000000-00000000')).toBeNull();
  });
});
