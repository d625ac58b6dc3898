/** Asking a question: a new `question-<id>` stream, by a user or an anonymous poster. */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideQuestion, streams } from '@qa/domain';
import { newId } from '../../command-bus/command-context';
import { CommandRunner } from '../../command-bus/command-runner';
import { domainActor, PostingSupport } from '../shared/command-support';
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
    this.posting.refuseEmailFromUser(context.actor, input.email);
    await this.posting.limitPosting(context.actor);
    const category = input.categoryId ? await this.lookups.category(input.categoryId) : null;
    const email = await this.posting.sealAnonymousEmail(context, input.email, input.notify);
    const questionId = newId(context, 'question');
    const { position } = await this.runner.handle(
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
              actor: domainActor(context.actor, input.name),
              email,
              notify: input.notify,
              at: context.at,
            },
          },
          state,
        ),
      context,
      { fresh: true },
    );
    return { id: questionId, position };
  }
}
