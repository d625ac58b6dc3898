import { Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { validationFailed } from '@qa/domain';
import type { Actor } from '../../auth/actor';
import { ActorGuard, CurrentActor } from '../../auth/actor.guard';
import { createCommandContext } from '../../command-bus/command-context';
import { IdempotencyKey } from '../../commands/shared/request-context';
import { RestoreRevisionCommand, type RestoreResult } from './restore-revision.command';

@ApiTags('audit')
@Controller('api/v1/posts')
@UseGuards(ActorGuard)
export class RestoreRevisionController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post(':id/revisions/:revision/restore')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({
    summary: "Restore an earlier revision as a new edit (the post's author or an editor)",
    description:
      'Error codes: UNAUTHENTICATED, FORBIDDEN, POST_NOT_FOUND, REVISION_NOT_FOUND, QUESTION_CLOSED, QUESTION_HIDDEN, CONCURRENT_MODIFICATION.',
  })
  restore(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @Param('id') id: string,
    @Param('revision') revision: string,
  ): Promise<RestoreResult> {
    const n = /^\d{1,6}$/.test(revision) ? Number(revision) : NaN;
    if (!Number.isInteger(n) || n < 1)
      throw validationFailed([
        { field: 'revision', message: 'Must be a revision number (1 or more).' },
      ]);
    return this.commands.execute(
      new RestoreRevisionCommand(createCommandContext(actor, key), id, n),
    );
  }
}
