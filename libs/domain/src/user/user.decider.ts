/**
 * The user aggregate: registration (the first user ever becomes super), level changes by
 * admins within their own rank, and erasure of personal data. The email is only ever held
 * sealed with the user's own key; erasing deletes that key elsewhere, this event records it.
 */
import { requireUser } from '../shared/actor';
import { Decider, fold } from '../shared/decider';
import { domainError, ErrorCodes } from '../shared/error-codes';
import {
  Id,
  LEVELS,
  Sealed,
  Timestamp,
  UserLevel,
  UserLevelChanged,
  UserPersonalDataErased,
  UserRegistered,
} from '../shared/events';
import { canChangeLevel, canErasePersonalData } from '../shared/permissions';
import {
  Check,
  checkFailed,
  checkLevel,
  checkOk,
  checkUsername,
  validateFields,
} from '../shared/validation';
import { ChangeUserLevel, ErasePersonalData, RegisterUser, UserCommand } from './user.commands';

export type UserEvent = UserRegistered | UserLevelChanged | UserPersonalDataErased;

export interface UserState {
  exists: boolean;
  userId: Id | null;
  username: string;
  level: UserLevel;
  email: Sealed | null;
  emailHash: string | null;
  passwordHash: string | null;
  registeredAt: Timestamp | null;
  erased: boolean;
}

export const initialUserState = (): UserState => ({
  exists: false,
  userId: null,
  username: '',
  level: LEVELS.basic,
  email: null,
  emailHash: null,
  passwordHash: null,
  registeredAt: null,
  erased: false,
});

export function evolveUser(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered': {
      const d = event.data;
      return {
        ...state,
        exists: true,
        userId: d.userId,
        username: d.username,
        level: d.level,
        email: d.email,
        emailHash: d.emailHash,
        passwordHash: d.passwordHash,
        registeredAt: d.registeredAt,
      };
    }
    case 'UserLevelChanged':
      return { ...state, level: event.data.level };
    case 'UserPersonalDataErased':
      return { ...state, erased: true };
    default:
      return state;
  }
}

const nonEmpty = (value: unknown, what: string): Check<string> =>
  typeof value === 'string' && value.length > 0 ? checkOk(value) : checkFailed(`${what} is missing.`);

function register({ data }: RegisterUser, state: UserState): UserEvent[] {
  if (state.exists) throw domainError(ErrorCodes.ALREADY_EXISTS);
  const v = validateFields({
    username: checkUsername(data.username),
    // The key that seals the address must be this user's, or erasing them would not shred it.
    email:
      data.email && data.email.subject === data.userId && data.email.data
        ? checkOk(data.email)
        : checkFailed<Sealed>('Email must be sealed with the user\'s own key.'),
    emailHash: nonEmpty(data.emailHash, 'Email hash'),
    passwordHash: nonEmpty(data.passwordHash, 'Password hash'),
  });
  return [
    {
      type: 'UserRegistered',
      data: {
        userId: data.userId,
        username: v.username,
        email: v.email,
        emailHash: v.emailHash,
        passwordHash: v.passwordHash,
        level: data.isFirstUser ? LEVELS.super : LEVELS.basic,
        registeredAt: data.at,
      },
    },
  ];
}

function existing(state: UserState): UserState & { userId: Id } {
  if (!state.exists || state.userId === null) throw domainError(ErrorCodes.USER_NOT_FOUND);
  return state as UserState & { userId: Id };
}

function changeLevel({ data }: ChangeUserLevel, state: UserState): UserEvent[] {
  const user = existing(state);
  const actor = requireUser(data.actor);
  const { level } = validateFields({ level: checkLevel(data.level) });
  if (!canChangeLevel(actor, { userId: user.userId, level: user.level }, level))
    throw domainError(ErrorCodes.FORBIDDEN);
  if (level === user.level) return [];
  return [
    {
      type: 'UserLevelChanged',
      data: {
        userId: user.userId,
        level,
        previousLevel: user.level,
        changedBy: actor.userId,
        at: data.at,
      },
    },
  ];
}

function erase({ data }: ErasePersonalData, state: UserState): UserEvent[] {
  const user = existing(state);
  const actor = requireUser(data.actor);
  if (!canErasePersonalData(actor, user.userId)) throw domainError(ErrorCodes.FORBIDDEN);
  if (user.erased) return [];
  return [
    {
      type: 'UserPersonalDataErased',
      data: { userId: user.userId, erasedBy: actor.userId, at: data.at },
    },
  ];
}

export function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  switch (command.type) {
    case 'RegisterUser':
      return register(command, state);
    case 'ChangeUserLevel':
      return changeLevel(command, state);
    case 'ErasePersonalData':
      return erase(command, state);
  }
}

export const userDecider: Decider<UserCommand, UserEvent, UserState> = {
  decide: decideUser,
  evolve: evolveUser,
  initialState: initialUserState,
};

export const foldUser = (events: readonly UserEvent[]) => fold(userDecider, events);
