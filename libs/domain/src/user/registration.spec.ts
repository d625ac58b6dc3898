import { DomainError } from '../shared/errors';
import { RegisterUser } from './user.commands';
import { planRegistration, releasePlan } from './registration';

const AT = '2026-01-01T10:00:00.000Z';
const command: RegisterUser = {
  type: 'RegisterUser',
  data: {
    userId: 'u1',
    username: ' Dora_99 ',
    email: { subject: 'u1', data: 'c2VhbGVk' },
    emailHash: 'eh1',
    passwordHash: '$argon2id$x',
    isFirstUser: true,
    at: AT,
  },
};

describe('registration plan', () => {
  it('reserves the name and the address before writing the user, all as new streams', () => {
    expect(planRegistration(command)).toEqual([
      {
        stream: 'username-dora_99',
        events: [{ type: 'UsernameReserved', data: { username: 'Dora_99', userId: 'u1', at: AT } }],
        expectedRevision: 'no_stream',
      },
      {
        stream: 'useremail-eh1',
        events: [{ type: 'UserEmailReserved', data: { userId: 'u1', at: AT } }],
        expectedRevision: 'no_stream',
      },
      {
        stream: 'user-u1',
        events: [
          {
            type: 'UserRegistered',
            data: {
              userId: 'u1',
              username: 'Dora_99',
              email: { subject: 'u1', data: 'c2VhbGVk' },
              emailHash: 'eh1',
              passwordHash: '$argon2id$x',
              level: 120,
              registeredAt: AT,
            },
          },
        ],
        expectedRevision: 'no_stream',
      },
    ]);
  });

  it('refuses invalid registrations before anything is written', () => {
    let error: unknown;
    try {
      planRegistration({ ...command, data: { ...command.data, username: 'd' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'username' }] });
  });

  it('releases what a failed registration reserved', () => {
    expect(releasePlan(command, { username: true, email: false })).toEqual([
      {
        stream: 'username-dora_99',
        events: [{ type: 'UsernameReleased', data: { username: 'Dora_99', userId: 'u1', at: AT } }],
        expectedRevision: 'any',
      },
    ]);
    expect(releasePlan(command, { username: true, email: true }).map((a) => a.stream)).toEqual([
      'username-dora_99',
      'useremail-eh1',
    ]);
  });
});
