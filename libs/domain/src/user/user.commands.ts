/** Commands on a user (`user-<id>`) and on the uniqueness reservations for registration. */
import { Actor } from '../shared/actor';
import { Command } from '../shared/decider';
import { Id, Sealed, Timestamp, UserLevel } from '../shared/events';

export type RegisterUser = Command<
  'RegisterUser',
  {
    userId: Id;
    username: string;
    /** Sealed by the API with this user's own key (subject = userId). */
    email: Sealed;
    /** Keyed hash of the lower-cased email (`emailHashInput`). */
    emailHash: string;
    passwordHash: string;
    /** No user was registered before: this one becomes super. */
    isFirstUser: boolean;
    at: Timestamp;
  }
>;

export type ChangeUserLevel = Command<
  'ChangeUserLevel',
  { userId: Id; level: UserLevel; actor: Actor; at: Timestamp }
>;

export type ErasePersonalData = Command<
  'ErasePersonalData',
  { userId: Id; actor: Actor; at: Timestamp }
>;

export type UserCommand = RegisterUser | ChangeUserLevel | ErasePersonalData;

interface ReservationData {
  userId: Id;
  at: Timestamp;
  /**
   * Only needed when the stream is held by another user id: whether `user-<holder>` exists.
   * A holder without a user stream, older than RESERVATION_TIMEOUT_MS, was abandoned.
   */
  holderRegistered?: boolean;
}

/** Appended to `username-<lower-cased name>`. */
export type ReserveUsername = Command<'ReserveUsername', ReservationData & { username: string }>;
export type ReleaseUsername = Command<'ReleaseUsername', { username: string; userId: Id; at: Timestamp }>;

/** Appended to `useremail-<emailHash>`. */
export type ReserveUserEmail = Command<'ReserveUserEmail', ReservationData & { emailHash: string }>;
export type ReleaseUserEmail = Command<'ReleaseUserEmail', { emailHash: string; userId: Id; at: Timestamp }>;

export type UsernameReservationCommand = ReserveUsername | ReleaseUsername;
export type UserEmailReservationCommand = ReserveUserEmail | ReleaseUserEmail;
