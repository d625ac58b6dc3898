import { createHash } from 'node:crypto';
import {
  createUnsubscribeToken,
  unsubscribeUrl,
  verifyUnsubscribeToken,
} from './unsubscribe.token';

const hash = createHash('sha256').update('jane@example.com').digest('hex');

describe('unsubscribe tokens', () => {
  it('verifies a token it created and returns the email hash', () => {
    const token = createUnsubscribeToken('secret', hash);
    expect(verifyUnsubscribeToken('secret', token)).toBe(hash);
  });

  it('is URL-safe and does not contain the address', () => {
    const token = createUnsubscribeToken('secret', hash);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token).not.toContain('jane');
  });

  it('rejects a token signed with another secret', () => {
    expect(verifyUnsubscribeToken('other', createUnsubscribeToken('secret', hash))).toBeNull();
  });

  it('rejects a token for another hash with a copied signature', () => {
    const token = Buffer.from(createUnsubscribeToken('secret', hash), 'base64url');
    token[0] ^= 1;
    expect(verifyUnsubscribeToken('secret', token.toString('base64url'))).toBeNull();
  });

  it.each([undefined, '', 'abc', 'x'.repeat(86), '!'.repeat(86), 42])('rejects %p', (bad) => {
    expect(verifyUnsubscribeToken('secret', bad)).toBeNull();
  });

  it('builds the endpoint URL from the public URL', () => {
    expect(unsubscribeUrl('https://q.example/', 'tok')).toBe(
      'https://q.example/api/v1/notifications/unsubscribe?token=tok',
    );
  });
});
