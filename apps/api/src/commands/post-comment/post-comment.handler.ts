/** Commenting on a question or an answer: a new `comment-<id>` stream. */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideComment, streams } from '@qa/domain';
import { newId } from '../../command-bus/command-context';
import { CommandRunner } from '../../command-bus/command-runner';
import { PostingSupport } from '../shared/command-support';
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
    await this.posting.admit(context.actor, input);
    const parent = await this.lookups.post(parentType, parentId);
    const poster = await this.posting.poster(context, input, parent.exists);
    const commentId = newId(context, 'comment');
    return this.runner.create(
      commentId,
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
