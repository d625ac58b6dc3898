import { simpleParser } from 'mailparser';
import { composeMime, encodeUnstructured, parseMailbox } from './mime.composer';
import type { OutgoingEmail } from './mailer.port';

const email: OutgoingEmail = {
  from: 'Gardening Q&A <noreply@qa.example>',
  to: 'jane@example.com',
  subject:
    '[Gardening Q&A] greenthumb answered your question: Why are my tomato leaves turning yellow?',
  text: 'Line one\n> quoted\n.\nRead it: https://qa.example/questions/q1',
  html: '<p>Hello <strong>Jane</strong></p>',
  messageId: '<e1.abc@qa.example>',
  headers: {
    'List-Unsubscribe': '<https://qa.example/api/v1/notifications/unsubscribe?token=abc>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  },
};

describe('composeMime', () => {
  it('builds a message mail clients parse back to the same content', async () => {
    const raw = composeMime(email, new Date('2026-01-02T03:04:05Z'));
    const parsed = await simpleParser(raw);
    expect(parsed.from?.value).toEqual([{ name: 'Gardening Q&A', address: 'noreply@qa.example' }]);
    expect(parsed.to && !Array.isArray(parsed.to) && parsed.to.value[0].address).toBe(
      'jane@example.com',
    );
    expect(parsed.subject).toBe(email.subject);
    expect(parsed.text?.replace(/\r\n/g, '\n').trimEnd()).toBe(email.text);
    expect(parsed.html).toBe(email.html);
    expect(parsed.messageId).toBe('<e1.abc@qa.example>');
    expect(parsed.date?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(raw.toString()).toContain('\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
    expect(raw.toString()).toContain(
      'List-Unsubscribe: <https://qa.example/api/v1/notifications/unsubscribe?token=abc>\r\n',
    );
  });

  it('encodes non-ASCII subjects and names', async () => {
    const parsed = await simpleParser(
      composeMime({
        ...email,
        from: 'Jardín Q&A <noreply@qa.example>',
        subject: 'Zoë antwortete: Warum werden meine Tomatenblätter gelb? 🍅 '.repeat(3).trim(),
        text: 'Grüße',
      }),
    );
    expect(parsed.from?.value[0].name).toBe('Jardín Q&A');
    expect(parsed.subject).toBe(
      'Zoë antwortete: Warum werden meine Tomatenblätter gelb? 🍅 '.repeat(3).trim(),
    );
    expect(parsed.text?.trim()).toBe('Grüße');
  });

  it('keeps every line within limits and lets no header be injected', () => {
    const raw = composeMime({
      ...email,
      subject: 'a\r\nBcc: evil@example.com ' + 'word '.repeat(60),
    });
    const lines = raw.toString().split('\r\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(998);
    expect(lines.some((l) => l.startsWith('Bcc:'))).toBe(false);
    expect(raw.toString()).not.toMatch(/[^\r]\n/);
  });

  it('folds long ASCII subjects at spaces', () => {
    const folded = encodeUnstructured('word '.repeat(40).trim());
    expect(folded.split('\r\n ').every((l) => l.length <= 76)).toBe(true);
    expect(folded.replace(/\r\n /g, ' ')).toBe('word '.repeat(40).trim());
  });

  it('parses sender mailboxes', () => {
    expect(parseMailbox('Q&A <noreply@localhost>')).toEqual({
      name: 'Q&A',
      address: 'noreply@localhost',
    });
    expect(parseMailbox('"Doe, Jane" <j@x.org>')).toEqual({
      name: 'Doe, Jane',
      address: 'j@x.org',
    });
    expect(parseMailbox('noreply@x.org')).toEqual({ name: null, address: 'noreply@x.org' });
  });
});
