import { specFor } from '../shared/decider-spec';
import { UserEmailReservationCommand, UsernameReservationCommand } from './user.commands';
import {
  foldReservation,
  usernameReservationDecider,
  userEmailReservationDecider,
  UsernameReservationEvent,
} from './reservation.decider';

const givenName = specFor(usernameReservationDecider);
const givenEmail = specFor(userEmailReservationDecider);

const AT = '2026-01-01T10:00:00.000Z';
const FIVE_MIN_LATER = '2026-01-01T10:05:00.000Z';
const ELEVEN_MIN_LATER = '2026-01-01T10:11:00.000Z';

const reserve = (userId: string, at = AT, holderRegistered?: boolean): UsernameReservationCommand => ({
  type: 'ReserveUsername',
  data: { username: 'dora', userId, at, holderRegistered },
});
const release = (userId: string): UsernameReservationCommand => ({
  type: 'ReleaseUsername',
  data: { username: 'dora', userId, at: FIVE_MIN_LATER },
});
const reserved = (userId: string, at = AT): UsernameReservationEvent => ({
  type: 'UsernameReserved',
  data: { username: 'dora', userId, at },
});
const released = (userId: string): UsernameReservationEvent => ({
  type: 'UsernameReleased',
  data: { username: 'dora', userId, at: FIVE_MIN_LATER },
});

describe('username reservation decider', () => {
  it('reserves a free name', () => {
    givenName([]).when(reserve('u1')).then([reserved('u1')]);
  });

  it('refuses a name held by someone else', () => {
    givenName([reserved('u1')]).when(reserve('u2', FIVE_MIN_LATER)).then('USERNAME_TAKEN');
    givenName([reserved('u1')]).when(reserve('u2', ELEVEN_MIN_LATER, true)).then('USERNAME_TAKEN');
  });

  it('decides nothing when the same registration retries', () => {
    givenName([reserved('u1')]).when(reserve('u1', FIVE_MIN_LATER)).then([]);
  });

  it('takes over a reservation abandoned long enough by a holder that never registered', () => {
    givenName([reserved('u1')])
      .when(reserve('u2', ELEVEN_MIN_LATER, false))
      .then([reserved('u2', ELEVEN_MIN_LATER)]);
  });

  it('does not take over a recent reservation even when its holder is not registered yet', () => {
    givenName([reserved('u1')]).when(reserve('u2', FIVE_MIN_LATER, false)).then('USERNAME_TAKEN');
  });

  it('releases only the holder\'s own reservation', () => {
    givenName([reserved('u1')]).when(release('u1')).then([released('u1')]);
    givenName([reserved('u1')]).when(release('u2')).then([]);
    givenName([]).when(release('u1')).then([]);
  });

  it('reserves a released name again', () => {
    givenName([reserved('u1'), released('u1')])
      .when(reserve('u2', FIVE_MIN_LATER))
      .then([reserved('u2', FIVE_MIN_LATER)]);
  });

  it('ignores a stale release after a takeover', () => {
    expect(foldReservation([reserved('u1'), reserved('u2', ELEVEN_MIN_LATER), released('u1')]))
      .toEqual({ holder: 'u2', reservedAt: ELEVEN_MIN_LATER });
  });
});

describe('email reservation decider', () => {
  const reserveEmail = (userId: string): UserEmailReservationCommand => ({
    type: 'ReserveUserEmail',
    data: { emailHash: 'eh1', userId, at: AT },
  });

  it('reserves a free address and refuses it to someone else', () => {
    givenEmail([]).when(reserveEmail('u1')).then([
      { type: 'UserEmailReserved', data: { userId: 'u1', at: AT } },
    ]);
    givenEmail([{ type: 'UserEmailReserved', data: { userId: 'u1', at: AT } }])
      .when(reserveEmail('u2'))
      .then('EMAIL_TAKEN');
  });

  it('treats a reservation written without a time as never abandoned', () => {
    givenEmail([{ type: 'UserEmailReserved', data: { userId: 'u1' } }])
      .when({ type: 'ReserveUserEmail', data: { emailHash: 'eh1', userId: 'u2', at: ELEVEN_MIN_LATER, holderRegistered: false } })
      .then('EMAIL_TAKEN');
  });

  it('releases and re-reserves', () => {
    givenEmail([{ type: 'UserEmailReserved', data: { userId: 'u1', at: AT } }])
      .when({ type: 'ReleaseUserEmail', data: { emailHash: 'eh1', userId: 'u1', at: AT } })
      .then([{ type: 'UserEmailReleased', data: { userId: 'u1', at: AT } }]);
    givenEmail([
      { type: 'UserEmailReserved', data: { userId: 'u1', at: AT } },
      { type: 'UserEmailReleased', data: { userId: 'u1', at: AT } },
    ])
      .when(reserveEmail('u2'))
      .then([{ type: 'UserEmailReserved', data: { userId: 'u2', at: AT } }]);
  });
});
