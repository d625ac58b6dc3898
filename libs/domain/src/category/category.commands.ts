/** Commands on one category (`category-<id>`). */
import { Actor } from '../shared/actor';
import { Command } from '../shared/decider';
import { Id, Timestamp } from '../shared/events';
import { CategoryLookup } from '../shared/lookups';

export type CreateCategory = Command<
  'CreateCategory',
  {
    categoryId: Id;
    name: string;
    /** Derived from the name when absent. */
    slug?: string | null;
    description?: string | null;
    /** The parent as the handler found it; null for a top-level category. */
    parent: CategoryLookup | null;
    /** Slugs other categories already use, when the handler knows them (categories are few). */
    takenSlugs?: string[];
    actor: Actor;
    at: Timestamp;
  }
>;

export type CategoryCommand = CreateCategory;
