import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../command-bus/command-context';
import type { CreatedResult } from '../shared/results';
import type { PostCommentDto } from './post-comment.dto';

export class PostCommentCommand extends Command<CreatedResult> {
  constructor(
    readonly context: CommandContext,
    readonly parentType: 'question' | 'answer',
    readonly parentId: string,
    readonly input: PostCommentDto,
  ) {
    super();
  }
}
