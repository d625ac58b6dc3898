import { Actor } from '../shared/actor';
import { specFor } from '../shared/decider-spec';
import { admin, admin2, alice, anon, bob, editor, superUser, T0, T1 } from '../shared/domain.fixtures';
import { LEVELS, UserLevel, UserRegistered } from '../shared/events';
import { RegisterUser } from './user.commands';
import { foldUser, userDecider, UserEvent } from './user.decider';

const given = specFor(userDecider);

const register = (data: Partial<RegisterUser['data']> = {}): RegisterUser => ({
  type: 'RegisterUser',
  data: {
    userId: 'u1',
    username: 'Dora_99',
    email: { subject: 'u1', data: 'c2VhbGVk' },
    emailHash: 'eh1',
    passwordHash: '$argon2id$v=19$abc',
    isFirstUser: false,
    at: T0,
    ...data,
  },
});

const registered = (level: UserLevel = LEVELS.basic, userId = 'u1'): UserRegistered => ({
  type: 'UserRegistered',
  data: {
    userId,
    username: 'Dora_99',
    email: { subject: userId, data: 'c2VhbGVk' },
    emailHash: 'eh1',
    passwordHash: '$argon2id$v=19$abc',
    level,
    registeredAt: T0,
  },
});

const changeLevel = (level: number, actor: Actor = admin, userId = 'u1') =>
  ({ type: 'ChangeUserLevel', data: { userId, level: level as UserLevel, actor, at: T1 } }) as const;

const levelChanged = (level: UserLevel, previousLevel: UserLevel, by = admin.userId): UserEvent => ({
  type: 'UserLevelChanged',
  data: { userId: 'u1', level, previousLevel, changedBy: by, at: T1 },
});

const erase = (actor: Actor, userId = 'u1') =>
  ({ type: 'ErasePersonalData', data: { userId, actor, at: T1 } }) as const;

describe('user decider', () => {
  describe('RegisterUser', () => {
    it('registers a basic user', () => {
      given([]).when(register({ username: '  Dora_99 ' })).then([registered()]);
    });

    it('makes the first user ever super', () => {
      given([]).when(register({ isFirstUser: true })).then([registered(LEVELS.super)]);
    });

    it('refuses a bad username, a foreign-sealed email and missing hashes together', () => {
      given([])
        .when(
          register({
            username: 'ab',
            email: { subject: 'someoneelse', data: 'x' },
            emailHash: '',
            passwordHash: '',
          }),
        )
        .thenFailsOn(['username', 'email', 'emailHash', 'passwordHash']);
    });

    it('refuses an id already registered', () => {
      given([registered()]).when(register()).then('ALREADY_EXISTS');
    });
  });

  describe('ChangeUserLevel', () => {
    it('lets an admin promote a user up to admin', () => {
      given([registered()]).when(changeLevel(LEVELS.editor)).then([levelChanged(LEVELS.editor, LEVELS.basic)]);
      given([registered()]).when(changeLevel(LEVELS.admin)).then([levelChanged(LEVELS.admin, LEVELS.basic)]);
    });

    it('refuses an admin raising someone above admin', () => {
      given([registered()]).when(changeLevel(LEVELS.super)).then('FORBIDDEN');
    });

    it('refuses an admin changing another admin or a super', () => {
      given([registered(LEVELS.admin)]).when(changeLevel(LEVELS.basic)).then('FORBIDDEN');
      given([registered(LEVELS.super)]).when(changeLevel(LEVELS.basic)).then('FORBIDDEN');
    });

    it('lets an admin demote a moderator', () => {
      given([registered(LEVELS.moderator)])
        .when(changeLevel(LEVELS.basic))
        .then([levelChanged(LEVELS.basic, LEVELS.moderator)]);
    });

    it('lets a super do anything to anyone else', () => {
      given([registered(LEVELS.super)])
        .when(changeLevel(LEVELS.admin, superUser))
        .then([levelChanged(LEVELS.admin, LEVELS.super, superUser.userId)]);
      given([registered()])
        .when(changeLevel(LEVELS.super, superUser))
        .then([levelChanged(LEVELS.super, LEVELS.basic, superUser.userId)]);
    });

    it('refuses changing one\'s own level, even for a super', () => {
      given([registered(LEVELS.super, superUser.userId)])
        .when(changeLevel(LEVELS.basic, superUser, superUser.userId))
        .then('FORBIDDEN');
    });

    it('refuses users below admin and anonymous users', () => {
      given([registered()]).when(changeLevel(LEVELS.approved, editor)).then('FORBIDDEN');
      given([registered()]).when(changeLevel(LEVELS.approved, anon)).then('UNAUTHENTICATED');
    });

    it('refuses a level that is not one of the listed values', () => {
      given([registered()]).when(changeLevel(30)).thenFailsOn(['level']);
    });

    it('decides nothing when the level does not change', () => {
      given([registered()]).when(changeLevel(LEVELS.basic)).then([]);
    });

    it('follows earlier changes', () => {
      given([registered(), levelChanged(LEVELS.admin, LEVELS.basic)])
        .when(changeLevel(LEVELS.basic, admin2))
        .then('FORBIDDEN');
    });

    it('refuses a missing user', () => {
      given([]).when(changeLevel(LEVELS.editor)).then('USER_NOT_FOUND');
    });
  });

  describe('ErasePersonalData', () => {
    const erased = (by: string): UserEvent => ({
      type: 'UserPersonalDataErased',
      data: { userId: 'u1', erasedBy: by, at: T1 },
    });
    const dora = { kind: 'user' as const, userId: 'u1', username: 'Dora_99', level: LEVELS.basic };

    it('lets the person or an admin erase it', () => {
      given([registered()]).when(erase(dora)).then([erased('u1')]);
      given([registered()]).when(erase(admin)).then([erased(admin.userId)]);
    });

    it('refuses other users and anonymous callers', () => {
      given([registered()]).when(erase(alice)).then('FORBIDDEN');
      given([registered()]).when(erase(editor)).then('FORBIDDEN');
      given([registered()]).when(erase(anon)).then('UNAUTHENTICATED');
    });

    it('decides nothing the second time', () => {
      given([registered(), erased('u1')]).when(erase(admin)).then([]);
    });

    it('refuses a missing user', () => {
      given([]).when(erase(bob, 'zz')).then('USER_NOT_FOUND');
    });
  });

  it('folds level, hashes and erasure', () => {
    const state = foldUser([
      registered(),
      levelChanged(LEVELS.editor, LEVELS.basic),
      { type: 'UserPersonalDataErased', data: { userId: 'u1', erasedBy: null, at: T1 } },
    ]);
    expect(state).toMatchObject({
      exists: true,
      userId: 'u1',
      username: 'Dora_99',
      level: LEVELS.editor,
      emailHash: 'eh1',
      passwordHash: '$argon2id$v=19$abc',
      erased: true,
    });
  });
});
