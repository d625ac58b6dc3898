import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../command-bus/command-context';
import type { CreatedResult } from '../shared/results';
import type { PostAnswerDto } from './post-answer.dto';

export class PostAnswerCommand extends Command<CreatedResult> {
  constructor(
    readonly context: CommandContext,
    readonly questionId: string,
    readonly input: PostAnswerDto,
  ) {
    super();
  }
}
