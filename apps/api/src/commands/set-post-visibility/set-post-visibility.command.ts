import { Command } from '@nestjs/cqrs';
import type { PostType } from '@qa/domain';
import type { CommandContext } from '../../command-bus/command-context';
import type { CreatedResult } from '../shared/results';

/** Editors hide a post from everyone (or show it again). */
export class SetPostVisibilityCommand extends Command<CreatedResult> {
  constructor(
    readonly context: CommandContext,
    readonly postType: PostType,
    readonly postId: string,
    readonly hidden: boolean,
  ) {
    super();
  }
}
