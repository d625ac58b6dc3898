/** Closing and reopening a question: its author or an editor. */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideQuestion, ErrorCodes, streams } from '@qa/domain';
import { CommandRunner } from '../../command-bus/command-runner';
import { ActorLevels } from '../shared/actor-levels';
import { domainActor } from '../shared/command-support';
import { Lookups, questionFold } from '../shared/lookups';
import { requireId } from '../shared/request-context';
import type { CreatedResult } from '../shared/results';
import { CloseQuestionCommand } from './close-question.command';

@CommandHandler(CloseQuestionCommand)
export class CloseQuestionHandler implements ICommandHandler<CloseQuestionCommand, CreatedResult> {
  constructor(
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    @Inject(ActorLevels) private readonly levels: ActorLevels,
    @Inject(Lookups) private readonly lookups: Lookups,
  ) {}

  async execute({ context, questionId, close }: CloseQuestionCommand): Promise<CreatedResult> {
    const id = requireId(questionId, ErrorCodes.QUESTION_NOT_FOUND);
    const actor = domainActor(await this.levels.current(context.actor));
    const { position } = await this.runner
      .handle(
        streams.question(id),
        questionFold,
        (state) =>
          decideQuestion(
            close
              ? {
                  type: 'CloseQuestion',
                  data: { questionId: id, reason: close.reason, actor, at: context.at },
                }
              : { type: 'ReopenQuestion', data: { questionId: id, actor, at: context.at } },
            state,
          ),
        context,
      )
      .finally(() => this.lookups.forget('question', id));
    return { id, position };
  }
}
