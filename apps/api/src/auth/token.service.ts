/**
 * Signed bearer tokens: HS256 JWTs carrying the user id (`sub`), the username and the
 * level (`lvl`), valid for seven days. Verification is one HMAC, so even the vote path can
 * afford it on every request.
 */
import { SignJWT, errors, jwtVerify } from 'jose';
import type { Id, UserLevel } from '@qa/domain';
import { tokenExpired, unauthenticated } from './actor';

const LEVELS = new Set<number>([0, 10, 20, 50, 80, 100, 120]);
const ISSUER = 'qa-api';

export interface TokenClaims {
  userId: Id;
  username: string;
  level: UserLevel;
}

export interface TokenServiceOptions {
  secret: string;
  /** Seconds a token stays valid (default seven days). */
  ttlSeconds?: number;
  /** Clock for issuing and checking expiry, in seconds since the epoch. */
  now?: () => number;
}

export class TokenService {
  private readonly key: Uint8Array;
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  constructor(options: TokenServiceOptions) {
    this.key = new TextEncoder().encode(options.secret);
    this.ttlSeconds = options.ttlSeconds ?? 7 * 24 * 3600;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  issue(claims: TokenClaims): Promise<string> {
    const iat = this.now();
    return new SignJWT({ usr: claims.username, lvl: claims.level })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSeconds)
      .sign(this.key);
  }

  /** The token's claims, or a 401 DomainError (`TOKEN_EXPIRED` when only the expiry fails). */
  async verify(token: string): Promise<TokenClaims> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        currentDate: new Date(this.now() * 1000),
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (e) {
      if (e instanceof errors.JWTExpired) throw tokenExpired();
      throw unauthenticated('The bearer token is not valid.');
    }
    const { sub, usr, lvl } = payload;
    if (
      typeof sub !== 'string' ||
      !/^[a-z0-9]{1,64}$/.test(sub) ||
      typeof usr !== 'string' ||
      !LEVELS.has(lvl as number)
    ) {
      throw unauthenticated('The bearer token is not valid.');
    }
    return { userId: sub, username: usr, level: lvl as UserLevel };
  }
}
