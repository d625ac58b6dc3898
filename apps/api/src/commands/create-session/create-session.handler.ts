/**
 * Signing in with a username or an email. The login is resolved through the reservation
 * streams and `user-<id>` directly, so someone can sign in the moment registration answered.
 * Every failure is the same 401 after the same Argon2 work, so the answer does not tell
 * which usernames or addresses exist.
 */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PersonalDataVault } from '@qa/common';
import { unauthenticated } from '../../auth/actor';
import { PasswordHasher } from '../../auth/password.hasher';
import { TokenService } from '../../auth/token.service';
import { UserDirectory } from '../../auth/user.directory';
import { CreateSessionCommand, type SessionResult } from './create-session.command';

const USERNAME = /^[A-Za-z0-9_.-]{3,30}$/;

@CommandHandler(CreateSessionCommand)
export class CreateSessionHandler implements ICommandHandler<CreateSessionCommand, SessionResult> {
  constructor(
    @Inject(UserDirectory) private readonly users: UserDirectory,
    @Inject(PasswordHasher) private readonly passwords: PasswordHasher,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(PersonalDataVault) private readonly vault: PersonalDataVault,
  ) {}

  async execute({ input }: CreateSessionCommand): Promise<SessionResult> {
    const login = input.login.normalize('NFC').trim();
    const userId = login.includes('@')
      ? await this.users.idByEmailHash(this.vault.hashEmail(login))
      : USERNAME.test(login)
        ? await this.users.idByUsername(login)
        : null;
    const user = userId ? await this.users.byId(userId) : null;
    const valid = user
      ? await this.passwords.verify(user.passwordHash, input.password)
      : await this.passwords.verifyNobody(input.password);
    if (!user || !valid) throw unauthenticated('Wrong username, email or password.');
    const token = await this.tokens.issue({
      userId: user.userId,
      username: user.username,
      level: user.level,
    });
    return { token, user: { id: user.userId, username: user.username, level: user.level } };
  }
}
