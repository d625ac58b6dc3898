/**
 * Registration spans three streams, written in this order, each with expected revision
 * "no stream":
 *
 *   1. `username-<lower-cased name>`  UsernameReserved   (taken -> USERNAME_TAKEN)
 *   2. `useremail-<emailHash>`        UserEmailReserved  (taken -> EMAIL_TAKEN)
 *   3. `user-<id>`                    UserRegistered
 *
 * Reservations come first so two people can never both end up registered with one name or
 * address. When an append of step 1 or 2 fails on its expected revision, the handler reads
 * that stream and decides again with the reservation decider: an empty decision means this
 * very registration already holds it (a retry), events mean an abandoned reservation is taken
 * over (append them at the read revision), an error is the answer to the client.
 *
 * If step 2 or 3 is refused, the handler compensates with `releasePlan` so the name and
 * address become free at once. If the process dies before compensating, the leftover
 * reservation is harmless: its holder never gets a user stream, and after
 * RESERVATION_TIMEOUT_MS the next registration asking for it takes it over. A retry with the
 * same Idempotency-Key derives the same user id and event ids, so it re-appends nothing twice.
 */
import { fold } from '../shared/decider';
import { DomainEvent, streams } from '../shared/events';
import { normalizeText } from '../shared/validation';
import { RegisterUser } from './user.commands';
import { userDecider } from './user.decider';
import { usernameReservationDecider, userEmailReservationDecider } from './reservation.decider';

export interface PlannedAppend {
  stream: string;
  events: DomainEvent[];
  expectedRevision: 'no_stream' | 'any';
}

/** Validates the registration (as the user decider does) and lists its appends in order. */
export function planRegistration(command: RegisterUser): PlannedAppend[] {
  const registered = userDecider.decide(command, userDecider.initialState());
  const username = registered[0].type === 'UserRegistered' ? registered[0].data.username : '';
  const { userId, emailHash, at } = command.data;
  return [
    {
      stream: streams.username(username),
      events: usernameReservationDecider.decide(
        { type: 'ReserveUsername', data: { username, userId, at } },
        fold(usernameReservationDecider, []),
      ),
      expectedRevision: 'no_stream',
    },
    {
      stream: streams.userEmail(emailHash),
      events: userEmailReservationDecider.decide(
        { type: 'ReserveUserEmail', data: { emailHash, userId, at } },
        fold(userEmailReservationDecider, []),
      ),
      expectedRevision: 'no_stream',
    },
    { stream: streams.user(userId), events: registered, expectedRevision: 'no_stream' },
  ];
}

/**
 * Compensation after a refused step: releases whichever reservations this registration made
 * (`reserved` names the streams already written). Appended with "any": a release by a user id
 * that no longer holds the reservation changes nothing when folded.
 */
export function releasePlan(
  command: RegisterUser,
  reserved: { username: boolean; email: boolean },
): PlannedAppend[] {
  const { userId, emailHash, at } = command.data;
  // The same normalisation the reservation went through, so the release names its stream.
  const username = normalizeText(command.data.username);
  const appends: PlannedAppend[] = [];
  if (reserved.username)
    appends.push({
      stream: streams.username(username),
      events: [{ type: 'UsernameReleased', data: { username, userId, at } }],
      expectedRevision: 'any',
    });
  if (reserved.email)
    appends.push({
      stream: streams.userEmail(emailHash),
      events: [{ type: 'UserEmailReleased', data: { userId, at } }],
      expectedRevision: 'any',
    });
  return appends;
}
