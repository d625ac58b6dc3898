/**
 * Reads what the SMTP sink stored: the list behind the /dev/mail page and one message,
 * parsed with mailparser. Newest first, as a mailbox shows it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';

export interface MailSummary {
  id: string;
  date: string | null;
  from: string;
  to: string;
  subject: string;
}

export interface MailMessage extends MailSummary {
  text: string | null;
  html: string | null;
  headers: Array<{ key: string; value: string }>;
}

const ID = /^[0-9]{15}-[0-9a-f]{8}$/;

const addresses = (a: AddressObject | AddressObject[] | undefined): string =>
  (Array.isArray(a) ? a : a ? [a] : []).map((x) => x.text).join(', ');

export async function listMessageIds(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => n.endsWith('.eml'))
    .map((n) => n.slice(0, -4))
    .filter((id) => ID.test(id))
    .sort()
    .reverse();
}

/** The message with this id, or null when there is none (ids are checked: no path tricks). */
export async function readMessage(dir: string, id: string): Promise<MailMessage | null> {
  if (!ID.test(id)) return null;
  let raw: Buffer;
  try {
    raw = await fs.readFile(path.join(dir, `${id}.eml`));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const mail = await simpleParser(raw, { skipImageLinks: true });
  return {
    id,
    date: mail.date ? mail.date.toISOString() : null,
    from: addresses(mail.from),
    to: addresses(mail.to),
    subject: mail.subject ?? '',
    text: mail.text ?? null,
    html: typeof mail.html === 'string' ? mail.html : null,
    headers: [...mail.headerLines].map((h) => ({ key: h.key, value: h.line })),
  };
}

export async function listMessages(dir: string, limit = 200): Promise<MailSummary[]> {
  const ids = (await listMessageIds(dir)).slice(0, limit);
  const messages = await Promise.all(ids.map((id) => readMessage(dir, id)));
  return messages
    .filter((m): m is MailMessage => m !== null)
    .map(({ id, date, from, to, subject }) => ({ id, date, from, to, subject }));
}
