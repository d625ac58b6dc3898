import { securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  const headers = securityHeaders();

  it('keeps the mailbox frames and plain-HTTP pages working under the CSP', () => {
    const csp = headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it("includes helmet's other defaults", () => {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['strict-transport-security']).toMatch(/^max-age=/);
  });
});
