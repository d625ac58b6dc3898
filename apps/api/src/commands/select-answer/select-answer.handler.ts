/** Choosing, changing or clearing a question's best answer. */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideQuestion, ErrorCodes, streams } from '@qa/domain';
import { CommandRunner } from '../../command-bus/command-runner';
import { ActorLevels } from '../shared/actor-levels';
import { domainActor } from '../shared/command-support';
import { Lookups, questionFold } from '../shared/lookups';
import { requireId } from '../shared/request-context';
import { SelectAnswerCommand, type SelectAnswerResult } from './select-answer.command';

@CommandHandler(SelectAnswerCommand)
export class SelectAnswerHandler implements ICommandHandler<
  SelectAnswerCommand,
  SelectAnswerResult
> {
  constructor(
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    @Inject(ActorLevels) private readonly levels: ActorLevels,
    @Inject(Lookups) private readonly lookups: Lookups,
  ) {}

  async execute({ context, questionId, input }: SelectAnswerCommand): Promise<SelectAnswerResult> {
    const id = requireId(questionId, ErrorCodes.QUESTION_NOT_FOUND);
    const actor = domainActor(await this.levels.current(context.actor));
    const answer = input.answerId === null ? null : await this.lookups.answer(input.answerId);
    const { position } = await this.runner.handle(
      streams.question(id),
      questionFold,
      (state) =>
        decideQuestion(
          {
            type: 'SelectAnswer',
            data: { questionId: id, answerId: input.answerId, answer, actor, at: context.at },
          },
          state,
        ),
      context,
    );
    return { questionId: id, answerId: input.answerId, position };
  }
}
