/**
 * Categories form a tree at most 4 levels deep (Q2A `QA_CATEGORY_DEPTH`); admins create them.
 * Each category carries its full path so question lists can filter a whole subtree.
 */
import { requireUser } from '../shared/actor';
import { Decider, fold } from '../shared/decider';
import { domainError, ErrorCodes } from '../shared/error-codes';
import { CategoryCreated, Id } from '../shared/events';
import { CategoryLookup } from '../shared/lookups';
import { canCreateCategories } from '../shared/permissions';
import {
  checkCategoryDescription,
  checkCategoryName,
  checkSlug,
  validateFields,
} from '../shared/validation';
import { CategoryCommand } from './category.commands';

export const MAX_CATEGORY_DEPTH = 4;

export type CategoryEvent = CategoryCreated;

export interface CategoryState {
  exists: boolean;
  categoryId: Id | null;
  name: string;
  slug: string;
  description: string;
  parentId: Id | null;
  path: Id[];
}

export const initialCategoryState = (): CategoryState => ({
  exists: false,
  categoryId: null,
  name: '',
  slug: '',
  description: '',
  parentId: null,
  path: [],
});

export function evolveCategory(state: CategoryState, event: CategoryEvent): CategoryState {
  if (event.type !== 'CategoryCreated') return state;
  const d = event.data;
  return {
    exists: true,
    categoryId: d.categoryId,
    name: d.name,
    slug: d.slug,
    description: d.description,
    parentId: d.parentId,
    path: d.path,
  };
}

export function decideCategory(command: CategoryCommand, state: CategoryState): CategoryEvent[] {
  const { data } = command;
  if (state.exists) throw domainError(ErrorCodes.ALREADY_EXISTS);
  const actor = requireUser(data.actor);
  if (!canCreateCategories(actor)) throw domainError(ErrorCodes.FORBIDDEN);
  const name = checkCategoryName(data.name);
  const v = validateFields({
    name,
    slug: checkSlug(data.slug, name.ok ? name.value : null),
    description: checkCategoryDescription(data.description),
  });
  if (data.takenSlugs?.includes(v.slug)) throw domainError(ErrorCodes.SLUG_TAKEN);
  const parent = data.parent;
  if (parent && !parent.exists) throw domainError(ErrorCodes.CATEGORY_NOT_FOUND);
  const path = [...(parent?.path ?? []), data.categoryId];
  if (path.length > MAX_CATEGORY_DEPTH) throw domainError(ErrorCodes.CATEGORY_TOO_DEEP);
  return [
    {
      type: 'CategoryCreated',
      data: {
        categoryId: data.categoryId,
        name: v.name,
        slug: v.slug,
        description: v.description,
        parentId: parent?.id ?? null,
        path,
        createdBy: actor.userId,
        at: data.at,
      },
    },
  ];
}

export const categoryDecider: Decider<CategoryCommand, CategoryEvent, CategoryState> = {
  decide: decideCategory,
  evolve: evolveCategory,
  initialState: initialCategoryState,
};

export const foldCategory = (events: readonly CategoryEvent[]) => fold(categoryDecider, events);

/** What questions and sub-categories need to know about this category. */
export const categoryLookup = (id: Id, state: CategoryState): CategoryLookup => ({
  id,
  exists: state.exists,
  path: state.exists ? state.path : [],
});
