import { Command } from '@nestjs/cqrs';
import type { UserLevel } from '@qa/domain';
import type { CommandContext } from '../../command-bus/command-context';

export interface LevelChangedResult {
  id: string;
  username: string;
  level: UserLevel;
  position: string;
}

export class ChangeUserLevelCommand extends Command<LevelChangedResult> {
  constructor(
    readonly context: CommandContext,
    readonly username: string,
    readonly level: UserLevel,
  ) {
    super();
  }
}
