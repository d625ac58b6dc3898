/**
 * Turns a request's Authorization header and IP into an Actor. No header means anonymous;
 * a header that is present but not a valid bearer token is a 401, never a silent downgrade
 * to anonymous (a client with a broken token should learn about it).
 */
import type { Actor } from './actor';
import { unauthenticated } from './actor';
import type { TokenService } from './token.service';

const IP_HASH_CAPACITY = 10_000;

export class ActorResolver {
  /** A client sends many requests from one address: its keyed hash is computed once. */
  private readonly ipHashes = new Map<string, string>();

  constructor(
    private readonly tokens: TokenService,
    private readonly hashIp: (ip: string) => string,
  ) {}

  async resolve(authorization: string | undefined, ip: string): Promise<Actor> {
    let ipHash = this.ipHashes.get(ip);
    if (ipHash === undefined) {
      ipHash = this.hashIp(ip);
      if (this.ipHashes.size >= IP_HASH_CAPACITY) this.ipHashes.clear();
      this.ipHashes.set(ip, ipHash);
    }
    if (authorization === undefined || authorization === '') return { kind: 'anonymous', ipHash };
    const match = /^Bearer ([A-Za-z0-9_\-.]{1,4096})$/.exec(authorization.trim());
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>".');
    const claims = await this.tokens.verify(match[1]);
    return { kind: 'user', ...claims, ipHash };
  }
}
