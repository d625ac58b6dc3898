import { Controller, Inject, Param, Patch, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../auth/actor';
import { ActorGuard, CurrentActor } from '../../auth/actor.guard';
import { createCommandContext } from '../../command-bus/command-context';
import { ZodBody } from '../../http/zod-validation.pipe';
import { CommandEndpoint } from '../shared/command-endpoint';
import { IdempotencyKey } from '../shared/request-context';
import { CreatedResponse, type CreatedResult } from '../shared/results';
import { EditCommentCommand } from './edit-comment.command';
import { editCommentDto, editCommentFields, type EditCommentDto } from './edit-comment.dto';

@ApiTags('comments')
@Controller('api/v1/comments')
@UseGuards(ActorGuard)
export class EditCommentController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Patch(':id')
  @CommandEndpoint({
    summary: 'Edit a comment (its author or an editor)',
    status: 200,
    response: CreatedResponse,
    body: editCommentFields,
    errors: [
      'VALIDATION_FAILED',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'COMMENT_NOT_FOUND',

      'CONCURRENT_MODIFICATION',
    ],
  })
  edit(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @Param('id') id: string,
    @ZodBody(editCommentDto) body: EditCommentDto,
  ): Promise<CreatedResult> {
    return this.commands.execute(
      new EditCommentCommand(createCommandContext(actor, key), id, body),
    );
  }
}
