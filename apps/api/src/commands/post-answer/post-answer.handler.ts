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
import { PostingSupport } from '../shared/command-support';
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
    await this.posting.admit(context.actor, input);
    const question = await this.lookups.question(questionId);
    const poster = await this.posting.poster(context, input, question.exists);
    const answerId = newId(context, 'answer');
    return this.runner.create(
      answerId,
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
