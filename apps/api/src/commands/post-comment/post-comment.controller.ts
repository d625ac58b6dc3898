import { Controller, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../auth/actor';
import { ActorGuard, CurrentActor } from '../../auth/actor.guard';
import { createCommandContext } from '../../command-bus/command-context';
import { ZodBody } from '../../http/zod-validation.pipe';
import { CommandEndpoint } from '../shared/command-endpoint';
import { IdempotencyKey } from '../shared/request-context';
import { CreatedResponse, type CreatedResult } from '../shared/results';
import { PostCommentCommand } from './post-comment.command';
import { postCommentDto, postCommentFields, type PostCommentDto } from './post-comment.dto';

const COMMENT_ERRORS = ['VALIDATION_FAILED', 'QUESTION_HIDDEN', 'RATE_LIMITED'];

/** The two comment routes differ only in what they comment on. */
function CommentEndpoint(on: 'question' | 'answer') {
  return CommandEndpoint({
    summary: `Comment on ${on === 'question' ? 'a question' : 'an answer'} (anonymous ok)`,
    status: 201,
    response: CreatedResponse,
    body: postCommentFields,
    errors: [
      ...COMMENT_ERRORS,
      ...(on === 'question' ? ['QUESTION_NOT_FOUND'] : ['ANSWER_NOT_FOUND', 'ANSWER_HIDDEN']),
    ],
  });
}

@ApiTags('comments')
@Controller('api/v1')
@UseGuards(ActorGuard)
export class PostCommentController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('questions/:id/comments')
  @CommentEndpoint('question')
  onQuestion(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @Param('id') id: string,
    @ZodBody(postCommentDto) body: PostCommentDto,
  ): Promise<CreatedResult> {
    return this.commands.execute(
      new PostCommentCommand(createCommandContext(actor, key), 'question', id, body),
    );
  }

  @Post('answers/:id/comments')
  @CommentEndpoint('answer')
  onAnswer(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @Param('id') id: string,
    @ZodBody(postCommentDto) body: PostCommentDto,
  ): Promise<CreatedResult> {
    return this.commands.execute(
      new PostCommentCommand(createCommandContext(actor, key), 'answer', id, body),
    );
  }
}
