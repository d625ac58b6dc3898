/**
 * Editing a question. Two editors racing are serialised by the expected revision: the
 * loser re-reads and re-decides on top of the winner's edit, so its `previous` values are
 * what it really replaced and no edit is lost.
 */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideQuestion, ErrorCodes, streams, type QuestionChanges } from '@qa/domain';
import { CommandRunner } from '../../command-bus/command-runner';
import { ActorLevels } from '../shared/actor-levels';
import { domainActor } from '../shared/command-support';
import { Lookups, questionFold } from '../shared/lookups';
import { requireId } from '../shared/request-context';
import type { CreatedResult } from '../shared/results';
import { EditQuestionCommand } from './edit-question.command';

@CommandHandler(EditQuestionCommand)
export class EditQuestionHandler implements ICommandHandler<EditQuestionCommand, CreatedResult> {
  constructor(
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    @Inject(ActorLevels) private readonly levels: ActorLevels,
    @Inject(Lookups) private readonly lookups: Lookups,
  ) {}

  async execute({ context, questionId, input }: EditQuestionCommand): Promise<CreatedResult> {
    const id = requireId(questionId, ErrorCodes.QUESTION_NOT_FOUND);
    const actor = await this.levels.current(context.actor);
    const changes: QuestionChanges = {};
    if (input.title !== undefined) changes.title = input.title;
    if (input.body !== undefined) changes.body = input.body;
    if (input.tags !== undefined) changes.tags = input.tags;
    if (input.categoryId !== undefined) {
      changes.category =
        input.categoryId === null ? null : await this.lookups.category(input.categoryId);
    }
    const { position } = await this.runner.handle(
      streams.question(id),
      questionFold,
      (state) =>
        decideQuestion(
          {
            type: 'EditQuestion',
            data: {
              questionId: id,
              changes,
              reason: input.reason,
              actor: domainActor(actor),
              at: context.at,
            },
          },
          state,
        ),
      context,
    );
    return { id, position };
  }
}
