import { Command } from '@nestjs/cqrs';
import type { CommandContext } from '../../command-bus/command-context';
import type { CreateCategoryDto } from './create-category.dto';

export interface CategoryCreatedResult {
  id: string;
  slug: string;
  position: string;
}

export class CreateCategoryCommand extends Command<CategoryCreatedResult> {
  constructor(
    readonly context: CommandContext,
    readonly input: CreateCategoryDto,
  ) {
    super();
  }
}
