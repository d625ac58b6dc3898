/**
 * Who is asking. Registered callers are identified by a verified bearer token; everyone
 * else is anonymous and known only by a keyed hash of their IP (for rate limits and the
 * anonymous author of a post).
 *
 * `level` here comes from the token and is only good for display and cheap checks. Commands
 * whose permission depends on the level (anything an editor, admin or expert may do to
 * someone else's things) re-read it from `user-<id>` (see UserDirectory), so a demotion takes
 * effect at once instead of when the token expires.
 */
import { DomainError, type Id, type UserLevel } from '@qa/domain';

export interface RegisteredActor {
  kind: 'user';
  userId: Id;
  username: string;
  level: UserLevel;
  ipHash: string;
}

export interface AnonymousActor {
  kind: 'anonymous';
  ipHash: string;
}

export type Actor = RegisteredActor | AnonymousActor;

export const unauthenticated = (message = 'Sign in to do this.') =>
  new DomainError('unauthenticated', 'UNAUTHENTICATED', message);

export const tokenExpired = () =>
  new DomainError('unauthenticated', 'TOKEN_EXPIRED', 'The session has expired; sign in again.');

/** The registered actor, or 401 for anonymous callers. */
export function requireUser(actor: Actor): RegisteredActor {
  if (actor.kind !== 'user') throw unauthenticated();
  return actor;
}
