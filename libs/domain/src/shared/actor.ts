/**
 * Who issues a command. The API resolves it (token -> user and current level; no token ->
 * anonymous with the keyed hash of the caller's IP) and passes it on every command.
 */
import { domainError, ErrorCodes } from './error-codes';
import { Author, Id, UserLevel } from './events';

export interface UserActor {
  kind: 'user';
  userId: Id;
  username: string;
  level: UserLevel;
}

export interface AnonymousActor {
  kind: 'anonymous';
  /** The display name the poster typed, raw (validated by the deciders that store it). */
  name: string | null;
  ipHash: string | null;
}

export type Actor = UserActor | AnonymousActor;

export const isUser = (actor: Actor): actor is UserActor => actor.kind === 'user';

/** Narrows to a registered user or refuses with UNAUTHENTICATED. */
export function requireUser(actor: Actor): UserActor {
  if (actor.kind !== 'user') throw domainError(ErrorCodes.UNAUTHENTICATED);
  return actor;
}

export const authorIdOf = (author: Author | null): Id | null =>
  author && author.kind === 'user' ? author.userId : null;

/** A registered actor as the pages show them ("edited by ..."). */
export const userAuthor = (actor: UserActor): Author => ({
  kind: 'user',
  userId: actor.userId,
  username: actor.username,
});
