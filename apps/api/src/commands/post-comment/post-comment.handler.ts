/** Commenting on a question or an answer: a new `comment-<id>` stream. */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideComment, streams } from '@qa/domain';
import { newId } from '../../command-bus/command-context';
import { CommandRunner } from '../../command-bus/command-runner';
import { domainActor, PostingSupport } from '../shared/command-support';
import { commentFold, Lookups } from '../shared/lookups';
import type { CreatedResult } from '../shared/results';
import { PostCommentCommand } from './post-comment.command';

@CommandHandler(PostCommentCommand)
export class PostCommentHandler implements ICommandHandler<PostCommentCommand, CreatedResult> {
  constructor(
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    @Inject(PostingSupport) private readonly posting: PostingSupport,
    @Inject(Lookups) private readonly lookups: Lookups,
  ) {}

  async execute({
    context,
    parentType,
    parentId,
    input,
  }: PostCommentCommand): Promise<CreatedResult> {
    this.posting.refuseEmailFromUser(context.actor, input.email);
    await this.posting.limitPosting(context.actor);
    const parent = await this.lookups.post(parentType, parentId);
    const email = parent.exists
      ? await this.posting.sealAnonymousEmail(context, input.email, input.notify)
      : null;
    const commentId = newId(context, 'comment');
    const { position } = await this.runner.handle(
      streams.comment(commentId),
      commentFold,
      (state) =>
        decideComment(
          {
            type: 'PostComment',
            data: {
              commentId,
              parent,
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
    return { id: commentId, position };
  }
}
