import { redactEmail, scrubAddresses } from './redact-email';
import { toMailerError } from './smtp.mailer';

describe('redactEmail', () => {
  it('keeps the first letters and the top-level domain', () => {
    expect(redactEmail('jane.doe@example.com')).toBe('j***@e***.com');
    expect(redactEmail('x@localhost')).toBe('x***@l***');
    expect(redactEmail('not-an-address')).toBe('***');
  });

  it('redacts addresses inside server replies', () => {
    expect(scrubAddresses('550 5.1.1 <jane@example.com>: user unknown')).toBe(
      '550 5.1.1 <j***@e***.com>: user unknown',
    );
  });
});

describe('toMailerError', () => {
  it('treats SMTP 5xx as permanent', () => {
    const e = toMailerError({ message: 'x', responseCode: 550, response: '550 no such user' });
    expect(e.permanent).toBe(true);
    expect(e.responseCode).toBe(550);
  });

  it('treats SMTP 4xx and connection failures as transient', () => {
    expect(toMailerError({ responseCode: 451 }).permanent).toBe(false);
    expect(toMailerError({ code: 'ECONNECTION' }).permanent).toBe(false);
  });

  it('keeps the address out of its message', () => {
    const e = toMailerError({ message: 'Recipient jane@example.com rejected', responseCode: 550 });
    expect(e.message).not.toContain('jane');
  });
});
