/**
 * Turns a request's Authorization header and IP into an Actor. No header means anonymous;
 * a header that is present but not a valid bearer token is a 401, never a silent downgrade
 * to anonymous (a client with a broken token should learn about it).
 */
import type { Actor } from './actor';
import { unauthenticated } from './actor';
import type { TokenService } from './token.service';

export class ActorResolver {
  constructor(
    private readonly tokens: TokenService,
    private readonly hashIp: (ip: string) => string,
  ) {}

  async resolve(authorization: string | undefined, ip: string): Promise<Actor> {
    const ipHash = this.hashIp(ip);
    if (authorization === undefined || authorization === '') return { kind: 'anonymous', ipHash };
    const match = /^Bearer ([A-Za-z0-9_\-.]{1,4096})$/.exec(authorization.trim());
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>".');
    const claims = await this.tokens.verify(match[1]);
    return { kind: 'user', ...claims, ipHash };
  }
}
