/** Admins change levels (libs/domain permissions.ts says whose and to what). */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideUser, domainError, ErrorCodes, streams } from '@qa/domain';
import { UserDirectory } from '../../auth/user.directory';
import { CommandRunner } from '../../command-bus/command-runner';
import { ActorLevels } from '../shared/actor-levels';
import { domainActor } from '../shared/command-support';
import { userFold } from '../shared/lookups';
import { ChangeUserLevelCommand, type LevelChangedResult } from './change-user-level.command';

const USERNAME = /^[A-Za-z0-9_.-]{3,30}$/;

@CommandHandler(ChangeUserLevelCommand)
export class ChangeUserLevelHandler implements ICommandHandler<
  ChangeUserLevelCommand,
  LevelChangedResult
> {
  constructor(
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    @Inject(ActorLevels) private readonly levels: ActorLevels,
    @Inject(UserDirectory) private readonly users: UserDirectory,
  ) {}

  async execute({ context, username, level }: ChangeUserLevelCommand): Promise<LevelChangedResult> {
    const actor = domainActor(await this.levels.current(context.actor));
    const userId = USERNAME.test(username) ? await this.users.idByUsername(username) : null;
    if (!userId) throw domainError(ErrorCodes.USER_NOT_FOUND);
    const outcome = await this.runner.handle(
      streams.user(userId),
      userFold,
      (state) =>
        decideUser(
          { type: 'ChangeUserLevel', data: { userId, level, actor, at: context.at } },
          state,
        ),
      context,
    );
    return { id: userId, username: outcome.state.username, level, position: outcome.position };
  }
}
