import {
  anonymousEmailSubject,
  generateSubjectKey,
  hashEmail,
  hashIp,
  openWithKey,
  sealWithKey,
} from './personal-data.crypto';

describe('personal data crypto', () => {
  const key = generateSubjectKey();

  it('opens what it sealed, with the subject recorded', () => {
    const sealed = sealWithKey('u1', key, 'jane@example.com');
    expect(sealed.subject).toBe('u1');
    expect(sealed.data).not.toContain('jane');
    expect(openWithKey(sealed, key)).toBe('jane@example.com');
  });

  it('produces a different ciphertext each time (random IV)', () => {
    expect(sealWithKey('u1', key, 'a@b.c').data).not.toBe(sealWithKey('u1', key, 'a@b.c').data);
  });

  it('refuses to open with another key', () => {
    const sealed = sealWithKey('u1', key, 'jane@example.com');
    expect(() => openWithKey(sealed, generateSubjectKey())).toThrow();
  });

  it('refuses a sealed value relabelled with another subject', () => {
    const sealed = sealWithKey('u1', key, 'jane@example.com');
    expect(() => openWithKey({ ...sealed, subject: 'u2' }, key)).toThrow();
  });

  it('refuses tampered data', () => {
    const sealed = sealWithKey('u1', key, 'jane@example.com');
    const raw = Buffer.from(sealed.data, 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => openWithKey({ ...sealed, data: raw.toString('base64') }, key)).toThrow();
  });

  it('generates 32-byte keys', () => {
    expect(Buffer.from(generateSubjectKey(), 'base64')).toHaveLength(32);
  });

  it('hashes emails case- and space-insensitively, keyed by the secret', () => {
    const h = hashEmail('secret', 'Jane@Example.com ');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashEmail('secret', 'jane@example.com')).toBe(h);
    expect(hashEmail('other', 'jane@example.com')).not.toBe(h);
  });

  it('hashes IPs with the key', () => {
    expect(hashIp('secret', '10.0.0.1')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashIp('secret', '10.0.0.1')).not.toBe(hashIp('secret', '10.0.0.2'));
  });

  it('derives the anonymous subject from the first 32 hex chars of the email hash', () => {
    const subject = anonymousEmailSubject('secret', 'Jane@example.com');
    expect(subject).toBe(`anon${hashEmail('secret', 'jane@example.com').slice(0, 32)}`);
    expect(subject).toMatch(/^anon[0-9a-f]{32}$/);
  });
});
