import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../command-bus/command-context';

export interface RestoreResult {
  id: string;
  position: string;
}

/** Makes an earlier revision's content the post's content again, as a new edit. */
export class RestoreRevisionCommand extends Command<RestoreResult> {
  constructor(
    readonly context: CommandContext,
    readonly postId: string,
    readonly revision: number,
  ) {
    super();
  }
}
