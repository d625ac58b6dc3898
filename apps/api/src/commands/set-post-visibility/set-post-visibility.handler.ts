/** Hiding and showing questions, answers and comments (editors and above). */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideAnswer,
  decideComment,
  decideQuestion,
  ErrorCodes,
  streams,
  type Actor,
} from '@qa/domain';
import { CommandRunner } from '../../command-bus/command-runner';
import type { CommandContext } from '../../command-bus/command-context';
import { ActorLevels } from '../shared/actor-levels';
import { domainActor } from '../shared/command-support';
import { answerFold, commentFold, Lookups, questionFold } from '../shared/lookups';
import { requireId } from '../shared/request-context';
import type { CreatedResult } from '../shared/results';
import { SetPostVisibilityCommand } from './set-post-visibility.command';

const NOT_FOUND = {
  question: ErrorCodes.QUESTION_NOT_FOUND,
  answer: ErrorCodes.ANSWER_NOT_FOUND,
  comment: ErrorCodes.COMMENT_NOT_FOUND,
} as const;

@CommandHandler(SetPostVisibilityCommand)
export class SetPostVisibilityHandler implements ICommandHandler<
  SetPostVisibilityCommand,
  CreatedResult
> {
  constructor(
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    @Inject(ActorLevels) private readonly levels: ActorLevels,
    @Inject(Lookups) private readonly lookups: Lookups,
  ) {}

  async execute({
    context,
    postType,
    postId,
    hidden,
  }: SetPostVisibilityCommand): Promise<CreatedResult> {
    const id = requireId(postId, NOT_FOUND[postType]);
    const actor = domainActor(await this.levels.current(context.actor));
    try {
      return { id, position: await this.run(postType, id, hidden, actor, context) };
    } finally {
      this.lookups.forget(postType, id);
    }
  }

  private async run(
    type: SetPostVisibilityCommand['postType'],
    id: string,
    hidden: boolean,
    actor: Actor,
    context: CommandContext,
  ) {
    const at = context.at;
    switch (type) {
      case 'question': {
        const data = { questionId: id, actor, at };
        const outcome = await this.runner.handle(
          streams.question(id),
          questionFold,
          (state) =>
            decideQuestion(
              hidden ? { type: 'HideQuestion', data } : { type: 'ShowQuestion', data },
              state,
            ),
          context,
        );
        return outcome.position;
      }
      case 'answer': {
        const data = { answerId: id, actor, at };
        const outcome = await this.runner.handle(
          streams.answer(id),
          answerFold,
          (state) =>
            decideAnswer(
              hidden ? { type: 'HideAnswer', data } : { type: 'ShowAnswer', data },
              state,
            ),
          context,
        );
        return outcome.position;
      }
      case 'comment': {
        const data = { commentId: id, actor, at };
        const outcome = await this.runner.handle(
          streams.comment(id),
          commentFold,
          (state) =>
            decideComment(
              hidden ? { type: 'HideComment', data } : { type: 'ShowComment', data },
              state,
            ),
          context,
        );
        return outcome.position;
      }
    }
  }
}
