import { Controller, Inject, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../auth/actor';
import { ActorGuard, CurrentActor } from '../../auth/actor.guard';
import { createCommandContext } from '../../command-bus/command-context';
import { ZodBody } from '../../http/zod-validation.pipe';
import { CommandEndpoint } from '../shared/command-endpoint';
import { IdempotencyKey } from '../shared/request-context';
import { CreateCategoryCommand, type CategoryCreatedResult } from './create-category.command';
import {
  createCategoryDto,
  createCategoryFields,
  type CreateCategoryDto,
} from './create-category.dto';

class CategoryCreatedResponse implements CategoryCreatedResult {
  @ApiProperty() id!: string;
  @ApiProperty() slug!: string;
  @ApiProperty({ example: '18446' }) position!: string;
}

@ApiTags('categories')
@Controller('api/v1/categories')
@UseGuards(ActorGuard)
export class CreateCategoryController {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post()
  @CommandEndpoint({
    summary: 'Create a category (admins)',
    status: 201,
    response: CategoryCreatedResponse,
    body: createCategoryFields,
    errors: [
      'VALIDATION_FAILED',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'CATEGORY_NOT_FOUND',
      'CATEGORY_TOO_DEEP',
    ],
  })
  create(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string | null,
    @ZodBody(createCategoryDto) body: CreateCategoryDto,
  ): Promise<CategoryCreatedResult> {
    return this.commands.execute(new CreateCategoryCommand(createCommandContext(actor, key), body));
  }
}
