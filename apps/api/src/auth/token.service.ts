/**
 * Signed bearer tokens: HS256 JWTs carrying the user id (`sub`), the username and the
 * level (`lvl`), valid for seven days. Verification is one HMAC, so even the vote path can
 * afford it on every request; a token verified once is remembered (until its expiry, in a
 * bounded map) so a busy client's requests cost a map lookup.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
import { checkLevel, type Id, type UserLevel } from '@qa/domain';
import { tokenExpired, unauthenticated } from './actor';

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

const VERIFIED_CAPACITY = 10_000;

export class TokenService {
  // A KeyObject, not bytes: jose would import raw bytes into WebCrypto on every call.
  private readonly key: KeyObject;
  private readonly ttlSeconds: number;
  private readonly now: () => number;
  private readonly verified = new Map<string, { claims: TokenClaims; exp: number }>();

  constructor(options: TokenServiceOptions) {
    this.key = createSecretKey(Buffer.from(options.secret, 'utf8'));
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
    const known = this.verified.get(token);
    if (known) {
      if (known.exp > this.now()) return known.claims;
      this.verified.delete(token);
    }
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
      !checkLevel(lvl).ok
    ) {
      throw unauthenticated('The bearer token is not valid.');
    }
    const claims: TokenClaims = { userId: sub, username: usr, level: lvl as UserLevel };
    if (this.verified.size >= VERIFIED_CAPACITY)
      this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { claims, exp: payload.exp as number });
    return claims;
  }
}
