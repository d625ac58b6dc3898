/**
 * Finds users on the write side without waiting for read models: the reservation streams
 * (`username-<lower>`, `useremail-<hash>`) map a login to a user id, and `user-<id>` is
 * folded for the password hash and the current level. Every stream read is short.
 */
import {
  streams,
  type Id,
  type UserEmailReserved,
  type UserLevel,
  type UserLevelChanged,
  type UsernameReserved,
  type UserRegistered,
} from '@qa/domain';
import type { EventStore, StoredEvent } from '@qa/event-store';
import type { RegisteredActor } from './actor';
import { unauthenticated } from './actor';

export interface UserRecord {
  userId: Id;
  username: string;
  level: UserLevel;
  passwordHash: string;
  /** Revision of the last event of `user-<id>`. */
  revision: bigint;
}

export class UserDirectory {
  constructor(private readonly store: EventStore) {}

  /** The user id a username is reserved for, or null. */
  async idByUsername(username: string): Promise<Id | null> {
    const [event] = await this.store.readStream(streams.username(username), { maxCount: 1 });
    return event?.type === 'UsernameReserved'
      ? (event.data as UsernameReserved['data']).userId
      : null;
  }

  /** The user id an email (given as its keyed hash) is reserved for, or null. */
  async idByEmailHash(emailHash: string): Promise<Id | null> {
    const [event] = await this.store.readStream(streams.userEmail(emailHash), { maxCount: 1 });
    return event?.type === 'UserEmailReserved'
      ? (event.data as UserEmailReserved['data']).userId
      : null;
  }

  async byId(userId: Id): Promise<UserRecord | null> {
    return foldUser(await this.store.readStream(streams.user(userId)));
  }

  /**
   * The actor with the level `user-<id>` holds now rather than the one in the token, for
   * commands whose permission depends on it. A user who no longer exists is signed out.
   */
  async current(actor: RegisteredActor): Promise<RegisteredActor> {
    const user = await this.byId(actor.userId);
    if (!user) throw unauthenticated('The account behind this token does not exist.');
    return { ...actor, username: user.username, level: user.level };
  }
}

export function foldUser(events: StoredEvent[]): UserRecord | null {
  const first = events[0];
  if (first?.type !== 'UserRegistered') return null;
  const d = first.data as UserRegistered['data'];
  const user: UserRecord = {
    userId: d.userId,
    username: d.username,
    level: d.level,
    passwordHash: d.passwordHash,
    revision: first.revision,
  };
  for (const event of events.slice(1)) {
    if (event.type === 'UserLevelChanged')
      user.level = (event.data as UserLevelChanged['data']).level;
    user.revision = event.revision;
  }
  return user;
}
