import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../command-bus/command-context';
import type { CreatedResult } from '../shared/results';
import type { EditQuestionDto } from './edit-question.dto';

export class EditQuestionCommand extends Command<CreatedResult> {
  constructor(
    readonly context: CommandContext,
    readonly questionId: string,
    readonly input: EditQuestionDto,
  ) {
    super();
  }
}
