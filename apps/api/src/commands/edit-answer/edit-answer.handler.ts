/** Editing an answer: its author or an editor; racing edits are serialised by revision. */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideAnswer, ErrorCodes, streams } from '@qa/domain';
import { CommandRunner } from '../../command-bus/command-runner';
import { ActorLevels } from '../shared/actor-levels';
import { domainActor } from '../shared/command-support';
import { answerFold } from '../shared/lookups';
import { requireId } from '../shared/request-context';
import type { CreatedResult } from '../shared/results';
import { EditAnswerCommand } from './edit-answer.command';

@CommandHandler(EditAnswerCommand)
export class EditAnswerHandler implements ICommandHandler<EditAnswerCommand, CreatedResult> {
  constructor(
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    @Inject(ActorLevels) private readonly levels: ActorLevels,
  ) {}

  async execute({ context, answerId, input }: EditAnswerCommand): Promise<CreatedResult> {
    const id = requireId(answerId, ErrorCodes.ANSWER_NOT_FOUND);
    const actor = domainActor(await this.levels.current(context.actor));
    const { position } = await this.runner.handle(
      streams.answer(id),
      answerFold,
      (state) =>
        decideAnswer(
          {
            type: 'EditAnswer',
            data: { answerId: id, body: input.body, reason: input.reason, actor, at: context.at },
          },
          state,
        ),
      context,
    );
    return { id, position };
  }
}
