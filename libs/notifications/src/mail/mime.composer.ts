/**
 * Builds a notification email as one MIME buffer (multipart/alternative: text and HTML,
 * each UTF-8 in base64). Composing it directly is a few string operations, where a generic
 * streaming composer costs more CPU per email than everything else the worker does; the
 * pooled SMTP transport then sends the buffer as it is. The spec parses the result with
 * mailparser to prove mail clients read what was meant.
 */
import { randomBytes } from 'node:crypto';
import type { OutgoingEmail } from './mailer.port';

const CRLF = '\r\n';

const isPlainAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);

/** One header line's value with any line break removed: no header can ever be injected. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

/** RFC 2047 encoded words, each at most 45 bytes of UTF-8 and never splitting a character. */
export function encodeWords(value: string): string {
  const words: string[] = [];
  let current = '';
  for (const ch of value) {
    if (Buffer.byteLength(current + ch, 'utf8') > 45) {
      words.push(current);
      current = '';
    }
    current += ch;
  }
  if (current) words.push(current);
  return words
    .map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`)
    .join(`${CRLF} `);
}

/** An unstructured header value (Subject): ASCII folded at spaces, anything else encoded. */
export function encodeUnstructured(value: string): string {
  const v = oneLine(value);
  if (!isPlainAscii(v)) return encodeWords(v);
  const lines: string[] = [];
  let line = '';
  for (const word of v.split(' ')) {
    if (line && line.length + 1 + word.length > 76) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines.join(`${CRLF} `);
}

export interface Mailbox {
  name: string | null;
  address: string;
}

/** `Name <address>`, `"Name" <address>` or a bare address. */
export function parseMailbox(value: string): Mailbox {
  const match = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<]*?))\s*<([^<>\s]+)>\s*$/.exec(value);
  if (!match) return { name: null, address: value.trim() };
  const name = (match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]).trim();
  return { name: name || null, address: match[3] };
}

export function formatMailbox({ name, address }: Mailbox): string {
  if (!name) return `<${address}>`;
  const shown = isPlainAscii(name) ? `"${name.replace(/(["\\])/g, '\\$1')}"` : encodeWords(name);
  return `${shown} <${address}>`;
}

/** RFC 5322 date, always UTC. */
export function formatDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

function base64Lines(text: string): string {
  const b64 = Buffer.from(text.replace(/\r?\n/g, CRLF), 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(CRLF);
}

export function composeMime(email: OutgoingEmail, date: Date = new Date()): Buffer {
  const boundary = `----=_qa_${randomBytes(12).toString('hex')}`;
  const headers = [
    `From: ${formatMailbox(parseMailbox(email.from))}`,
    `To: <${oneLine(email.to)}>`,
    `Subject: ${encodeUnstructured(email.subject)}`,
    `Date: ${formatDate(date)}`,
    `Message-ID: ${oneLine(email.messageId)}`,
    ...Object.entries(email.headers).map(([k, v]) => `${oneLine(k)}: ${oneLine(v)}`),
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const part = (type: string, body: string) =>
    [
      `--${boundary}`,
      `Content-Type: ${type}; charset=utf-8`,
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(body),
    ].join(CRLF);
  return Buffer.from(
    [
      headers.join(CRLF),
      '',
      part('text/plain', email.text),
      part('text/html', email.html),
      `--${boundary}--`,
      '',
    ].join(CRLF),
    'utf8',
  );
}
