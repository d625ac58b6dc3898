import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../command-bus/command-context';
import type { SelectAnswerDto } from './select-answer.dto';

export interface SelectAnswerResult {
  questionId: string;
  answerId: string | null;
  position: string;
}

export class SelectAnswerCommand extends Command<SelectAnswerResult> {
  constructor(
    readonly context: CommandContext,
    readonly questionId: string,
    readonly input: SelectAnswerDto,
  ) {
    super();
  }
}
