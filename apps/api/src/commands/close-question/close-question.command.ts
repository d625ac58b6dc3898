import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../command-bus/command-context';
import type { CreatedResult } from '../shared/results';

/** Closing (with a reason) or reopening (reason null) a question. */
export class CloseQuestionCommand extends Command<CreatedResult> {
  constructor(
    readonly context: CommandContext,
    readonly questionId: string,
    readonly close: { reason: string } | null,
  ) {
    super();
  }
}
