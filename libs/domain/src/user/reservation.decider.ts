/**
 * Uniqueness reservations for registration: `username-<lower-cased name>` and
 * `useremail-<emailHash>`. A stream's events say who holds the name now:
 *
 * - nobody (no stream, or released): the reservation is granted;
 * - the same user id: nothing to do (a retried registration already holds it);
 * - another user id: taken, unless that holder was abandoned (its user stream does not exist
 *   and the reservation is older than RESERVATION_TIMEOUT_MS), in which case it is taken over.
 *
 * The first attempt appends with expected revision "no stream" (see registration.ts); only
 * when that fails does the handler read, fold and decide here, appending at the read revision.
 */
import { Decider, fold } from '../shared/decider';
import { domainError, ErrorCode, ErrorCodes } from '../shared/error-codes';
import {
  DomainEvent,
  Id,
  Timestamp,
  UserEmailReleased,
  UserEmailReserved,
  UsernameReleased,
  UsernameReserved,
} from '../shared/events';
import {
  UserEmailReservationCommand,
  UsernameReservationCommand,
} from './user.commands';

/** Far longer than any registration takes, so a live one is never taken over. */
export const RESERVATION_TIMEOUT_MS = 10 * 60 * 1000;

export interface ReservationState {
  holder: Id | null;
  reservedAt: Timestamp | null;
}

export const initialReservationState = (): ReservationState => ({ holder: null, reservedAt: null });

// Takes any domain event so a read stream folds without a cast; other types change nothing.
function evolveReservation(state: ReservationState, event: DomainEvent): ReservationState {
  switch (event.type) {
    case 'UsernameReserved':
    case 'UserEmailReserved':
      return { holder: event.data.userId, reservedAt: event.data.at ?? null };
    case 'UsernameReleased':
    case 'UserEmailReleased':
      return event.data.userId === state.holder ? { holder: null, reservedAt: null } : state;
    default:
      return state;
  }
}

const abandoned = (state: ReservationState, at: Timestamp, holderRegistered?: boolean) =>
  holderRegistered === false &&
  state.reservedAt !== null &&
  Date.parse(at) - Date.parse(state.reservedAt) >= RESERVATION_TIMEOUT_MS;

/** Whether a reservation is to be appended; throws `takenCode` when someone else holds it. */
function grants(
  state: ReservationState,
  data: { userId: Id; at: Timestamp; holderRegistered?: boolean },
  takenCode: ErrorCode,
): boolean {
  if (state.holder === null) return true;
  if (state.holder === data.userId) return false;
  if (abandoned(state, data.at, data.holderRegistered)) return true;
  throw domainError(takenCode);
}

export type UsernameReservationEvent = UsernameReserved | UsernameReleased;

export const usernameReservationDecider: Decider<
  UsernameReservationCommand,
  UsernameReservationEvent,
  ReservationState
> = {
  decide(command, state) {
    const { data } = command;
    if (command.type === 'ReleaseUsername')
      return state.holder === data.userId
        ? [{ type: 'UsernameReleased', data: { username: data.username, userId: data.userId, at: data.at } }]
        : [];
    return grants(state, command.data, ErrorCodes.USERNAME_TAKEN)
      ? [{ type: 'UsernameReserved', data: { username: data.username, userId: data.userId, at: data.at } }]
      : [];
  },
  evolve: evolveReservation,
  initialState: initialReservationState,
};

export type UserEmailReservationEvent = UserEmailReserved | UserEmailReleased;

export const userEmailReservationDecider: Decider<
  UserEmailReservationCommand,
  UserEmailReservationEvent,
  ReservationState
> = {
  decide(command, state) {
    const { data } = command;
    if (command.type === 'ReleaseUserEmail')
      return state.holder === data.userId
        ? [{ type: 'UserEmailReleased', data: { userId: data.userId, at: data.at } }]
        : [];
    return grants(state, command.data, ErrorCodes.EMAIL_TAKEN)
      ? [{ type: 'UserEmailReserved', data: { userId: data.userId, at: data.at } }]
      : [];
  },
  evolve: evolveReservation,
  initialState: initialReservationState,
};

export const foldReservation = (events: readonly DomainEvent[]) =>
  fold<DomainEvent, ReservationState>(
    { evolve: evolveReservation, initialState: initialReservationState },
    events,
  );
