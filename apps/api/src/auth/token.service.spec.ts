import { SignJWT } from 'jose';
import { TokenService } from './token.service';

const secret = 'a-test-secret-that-is-long-enough-0123456789';

describe('TokenService', () => {
  let clock = 1_800_000_000;
  const tokens = new TokenService({ secret, ttlSeconds: 3600, now: () => clock });

  beforeEach(() => {
    clock = 1_800_000_000;
  });

  it('round-trips the claims', async () => {
    const token = await tokens.issue({ userId: 'u1', username: 'Alice', level: 120 });
    await expect(tokens.verify(token)).resolves.toEqual({
      userId: 'u1',
      username: 'Alice',
      level: 120,
    });
  });

  it('refuses a remembered token once it has expired', async () => {
    const token = await tokens.issue({ userId: 'u2', username: 'Bob', level: 0 });
    await expect(tokens.verify(token)).resolves.toMatchObject({ userId: 'u2' });
    clock += 3601;
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const token = await tokens.issue({ userId: 'u1', username: 'Alice', level: 0 });
    clock += 3601;
    await expect(tokens.verify(token)).rejects.toMatchObject({
      kind: 'unauthenticated',
      code: 'TOKEN_EXPIRED',
    });
  });

  it('refuses a token signed with another secret', async () => {
    const other = new TokenService({
      secret: 'another-secret-that-is-long-enough-0123456789',
      now: () => clock,
    });
    const token = await other.issue({ userId: 'u1', username: 'Alice', level: 120 });
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a token whose payload was altered', async () => {
    const token = await tokens.issue({ userId: 'u1', username: 'Alice', level: 0 });
    const [h, , s] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: 'u1', usr: 'Alice', lvl: 120, iss: 'qa-api', exp: clock + 60 }),
    ).toString('base64url');
    await expect(tokens.verify(`${h}.${forged}.${s}`)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('refuses alg "none" and garbage', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ sub: 'u1', usr: 'a', lvl: 120, iss: 'qa-api', exp: clock + 60 }),
    ).toString('base64url');
    await expect(tokens.verify(`${header}.${body}.`)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(tokens.verify('not a token')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a correctly signed token with an impossible level', async () => {
    const token = await new SignJWT({ usr: 'a', lvl: 999 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuer('qa-api')
      .setExpirationTime(clock + 60)
      .sign(new TextEncoder().encode(secret));
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
