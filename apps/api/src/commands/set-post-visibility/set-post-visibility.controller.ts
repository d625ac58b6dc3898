import {
  applyDecorators,
  Controller,
  Inject,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import type { PostType } from '@qa/domain';
import type { Actor } from '../../auth/actor';
import { ActorGuard, CurrentActor } from '../../auth/actor.guard';
import { createCommandContext } from '../../command-bus/command-context';
import { CommandEndpoint } from '../shared/command-endpoint';
import { IdempotencyKey } from '../shared/request-context';
import { CreatedResponse, type CreatedResult } from '../shared/results';
import { SetPostVisibilityCommand } from './set-post-visibility.command';

const COLLECTIONS: Record<string, PostType> = {
  questions: 'question',
  answers: 'answer',
  comments: 'comment',
};

/** Hide and show take the same path parameters and answer the same errors. */
function VisibilityEndpoint(summary: string) {
  return applyDecorators(
    ApiParam({ name: 'collection', enum: Object.keys(COLLECTIONS) }),
    CommandEndpoint({
      summary,
      status: 200,
      response: CreatedResponse,
      errors: [
        'UNAUTHENTICATED',
        'FORBIDDEN',
        'QUESTION_NOT_FOUND',
        'ANSWER_NOT_FOUND',
        'COMMENT_NOT_FOUND',
      ],
    }),
  );
}

@ApiTags('moderation')
@Controller('api/v1')
@UseGuards(ActorGuard)
export class SetPostVisibilityController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post(':collection/:id/hide')
  @VisibilityEndpoint('Hide a question, answer or comment (editors)')
  hide(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @Param('collection') collection: string,
    @Param('id') id: string,
  ): Promise<CreatedResult> {
    return this.set(actor, key, collection, id, true);
  }

  @Post(':collection/:id/show')
  @VisibilityEndpoint('Show a hidden question, answer or comment again (editors)')
  show(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @Param('collection') collection: string,
    @Param('id') id: string,
  ): Promise<CreatedResult> {
    return this.set(actor, key, collection, id, false);
  }

  private set(actor: Actor, key: string | null, collection: string, id: string, hidden: boolean) {
    const type = Object.hasOwn(COLLECTIONS, collection) ? COLLECTIONS[collection] : undefined;
    // Only these three collections have hide/show; any other path is an unknown route.
    if (!type) throw new NotFoundException();
    return this.commands.execute(
      new SetPostVisibilityCommand(createCommandContext(actor, key), type, id, hidden),
    );
  }
}
