/** Admins create categories; the parent is read from its stream for the tree path and depth. */
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decideCategory, streams } from '@qa/domain';
import { newId } from '../../command-bus/command-context';
import { CommandRunner } from '../../command-bus/command-runner';
import { ActorLevels } from '../shared/actor-levels';
import { domainActor } from '../shared/command-support';
import { categoryFold, Lookups } from '../shared/lookups';
import { CreateCategoryCommand, type CategoryCreatedResult } from './create-category.command';

@CommandHandler(CreateCategoryCommand)
export class CreateCategoryHandler implements ICommandHandler<
  CreateCategoryCommand,
  CategoryCreatedResult
> {
  constructor(
    @Inject(CommandRunner) private readonly runner: CommandRunner,
    @Inject(ActorLevels) private readonly levels: ActorLevels,
    @Inject(Lookups) private readonly lookups: Lookups,
  ) {}

  async execute({ context, input }: CreateCategoryCommand): Promise<CategoryCreatedResult> {
    const actor = domainActor(await this.levels.current(context.actor));
    const parent = input.parentId ? await this.lookups.category(input.parentId) : null;
    const categoryId = newId(context, 'category');
    const outcome = await this.runner.handle(
      streams.category(categoryId),
      categoryFold,
      (state) =>
        decideCategory(
          {
            type: 'CreateCategory',
            data: {
              categoryId,
              name: input.name,
              slug: input.slug,
              description: input.description,
              parent,
              actor,
              at: context.at,
            },
          },
          state,
        ),
      context,
      { fresh: true },
    );
    const created = outcome.appended[0];
    // On a replay nothing is appended; the stream already holds the category.
    const slug = created?.type === 'CategoryCreated' ? created.data.slug : outcome.state.slug;
    return { id: categoryId, slug, position: outcome.position };
  }
}
