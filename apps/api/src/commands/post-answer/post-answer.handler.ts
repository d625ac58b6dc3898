/**
 * Answering: reads the question (closed or hidden questions take no answers), then starts
 * a new `answer-<id>` stream. The question's stream is not appended to, so answers never
 * contend with each other or with edits of the question.
 */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideAnswer, streams } from '@qa/domain';
import { newId } from '../../command-bus/command-context';
import { CommandRunner } from '../../command-bus/command-runner';
import { domainActor, PostingSupport } from '../shared/command-support';
import { answerFold, Lookups } from '../shared/lookups';
import type { CreatedResult } from '../shared/results';
import { PostAnswerCommand } from './post-answer.command';

@CommandHandler(PostAnswerCommand)
export class PostAnswerHandler implements ICommandHandler<PostAnswerCommand, CreatedResult> {
  constructor(
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    @Inject(PostingSupport) private readonly posting: PostingSupport,
    @Inject(Lookups) private readonly lookups: Lookups,
  ) {}

  async execute({ context, questionId, input }: PostAnswerCommand): Promise<CreatedResult> {
    this.posting.refuseEmailFromUser(context.actor, input.email);
    await this.posting.limitPosting(context.actor);
    const question = await this.lookups.question(questionId);
    const email = question.exists
      ? await this.posting.sealAnonymousEmail(context, input.email, input.notify)
      : null;
    const answerId = newId(context, 'answer');
    const { position } = await this.runner.handle(
      streams.answer(answerId),
      answerFold,
      (state) =>
        decideAnswer(
          {
            type: 'PostAnswer',
            data: {
              answerId,
              question,
              body: input.body,
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
    return { id: answerId, position };
  }
}
