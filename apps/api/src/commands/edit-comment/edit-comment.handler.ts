/** Editing a comment: its author or an editor. */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideComment, ErrorCodes, streams } from '@qa/domain';
import { CommandRunner } from '../../command-bus/command-runner';
import { ActorLevels } from '../shared/actor-levels';
import { domainActor } from '../shared/command-support';
import { commentFold } from '../shared/lookups';
import { requireId } from '../shared/request-context';
import type { CreatedResult } from '../shared/results';
import { EditCommentCommand } from './edit-comment.command';

@CommandHandler(EditCommentCommand)
export class EditCommentHandler implements ICommandHandler<EditCommentCommand, CreatedResult> {
  constructor(
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    @Inject(ActorLevels) private readonly levels: ActorLevels,
  ) {}

  async execute({ context, commentId, input }: EditCommentCommand): Promise<CreatedResult> {
    const id = requireId(commentId, ErrorCodes.COMMENT_NOT_FOUND);
    const actor = domainActor(await this.levels.current(context.actor));
    const { position } = await this.runner.handle(
      streams.comment(id),
      commentFold,
      (state) =>
        decideComment(
          {
            type: 'EditComment',
            data: { commentId: id, body: input.body, reason: input.reason, actor, at: context.at },
          },
          state,
        ),
      context,
    );
    return { id, position };
  }
}
