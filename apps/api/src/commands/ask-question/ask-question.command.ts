import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../command-bus/command-context';
import type { CreatedResult } from '../shared/results';
import type { AskQuestionDto } from './ask-question.dto';

export class AskQuestionCommand extends Command<CreatedResult> {
  constructor(
    readonly context: CommandContext,
    readonly input: AskQuestionDto,
  ) {
    super();
  }
}
