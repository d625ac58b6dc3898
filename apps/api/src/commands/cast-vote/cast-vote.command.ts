import { Command } from '@nestjs/cqrs';
import type { VoteValue } from '@qa/domain';
import type { CommandContext } from '../../command-bus/command-context';

export interface CastVoteResult {
  value: VoteValue;
  position: string;
}

export class CastVoteCommand extends Command<CastVoteResult> {
  constructor(
    readonly context: CommandContext,
    readonly postType: 'question' | 'answer',
    readonly postId: string,
    readonly value: VoteValue,
  ) {
    super();
  }
}
