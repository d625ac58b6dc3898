/**
 * Finds users on the write side without waiting for read models: the reservation streams
 * (`username-<lower>`, `useremail-<hash>`) map a login to a user id, and `user-<id>` is
 * folded for the password hash and the current level. Every stream read is short.
 */
import {
  foldReservation,
  foldUser,
  streams,
  type Id,
  type UserEvent,
  type UserLevel,
} from '@qa/domain';
import type { EventStore, StoredEvent } from '@qa/event-store';
import { asDomainEvent } from '../command-bus/command-runner';
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

  /** The user id a username is reserved for now, or null (never reserved, or released). */
  async idByUsername(username: string): Promise<Id | null> {
    return this.holder(streams.username(username));
  }

  /** The user id an email (given as its keyed hash) is reserved for now, or null. */
  async idByEmailHash(emailHash: string): Promise<Id | null> {
    return this.holder(streams.userEmail(emailHash));
  }

  async byId(userId: Id): Promise<UserRecord | null> {
    return userRecord(await this.store.readStream(streams.user(userId)));
  }

  private async holder(stream: string): Promise<Id | null> {
    const events = await this.store.readStream(stream);
    return foldReservation(events.map(asDomainEvent)).holder;
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

/** The login view of `user-<id>`, folded by the domain's own user fold. */
function userRecord(events: StoredEvent[]): UserRecord | null {
  const last = events.at(-1);
  const user = foldUser(events.map(asDomainEvent) as UserEvent[]);
  if (!last || !user.exists || user.userId === null || user.passwordHash === null) return null;
  return {
    userId: user.userId,
    username: user.username,
    level: user.level,
    passwordHash: user.passwordHash,
    revision: last.revision,
  };
}
