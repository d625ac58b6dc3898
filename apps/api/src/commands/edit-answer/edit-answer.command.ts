import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../command-bus/command-context';
import type { CreatedResult } from '../shared/results';
import type { EditAnswerDto } from './edit-answer.dto';

export class EditAnswerCommand extends Command<CreatedResult> {
  constructor(
    readonly context: CommandContext,
    readonly answerId: string,
    readonly input: EditAnswerDto,
  ) {
    super();
  }
}
