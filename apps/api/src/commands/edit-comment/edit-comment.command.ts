import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../command-bus/command-context';
import type { CreatedResult } from '../shared/results';
import type { EditCommentDto } from './edit-comment.dto';

export class EditCommentCommand extends Command<CreatedResult> {
  constructor(
    readonly context: CommandContext,
    readonly commentId: string,
    readonly input: EditCommentDto,
  ) {
    super();
  }
}
