/** Asking a question: a new `question-<id>` stream, by a user or an anonymous poster. */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideQuestion, streams } from '@qa/domain';
import { newId } from '../../command-bus/command-context';
import { CommandRunner } from '../../command-bus/command-runner';
import { PostingSupport } from '../shared/command-support';
import { Lookups, questionFold } from '../shared/lookups';
import type { CreatedResult } from '../shared/results';
import { AskQuestionCommand } from './ask-question.command';

@CommandHandler(AskQuestionCommand)
export class AskQuestionHandler implements ICommandHandler<AskQuestionCommand, CreatedResult> {
  constructor(
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    @Inject(PostingSupport) private readonly posting: PostingSupport,
    @Inject(Lookups) private readonly lookups: Lookups,
  ) {}

  async execute({ context, input }: AskQuestionCommand): Promise<CreatedResult> {
    await this.posting.admit(context.actor, input);
    const category = input.categoryId ? await this.lookups.category(input.categoryId) : null;
    const poster = await this.posting.poster(context, input);
    const questionId = newId(context, 'question');
    return this.runner.create(
      questionId,
      streams.question(questionId),
      questionFold,
      (state) =>
        decideQuestion(
          {
            type: 'AskQuestion',
            data: {
              questionId,
              title: input.title,
              body: input.body,
              tags: input.tags,
              category,
              ...poster,
              at: context.at,
            },
          },
          state,
        ),
      context,
    );
  }
}
