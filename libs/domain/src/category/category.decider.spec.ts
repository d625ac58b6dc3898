import { Actor } from '../shared/actor';
import { specFor } from '../shared/decider-spec';
import { admin, anon, editor, moderator, superUser, T0 } from '../shared/domain.fixtures';
import { CategoryCreated } from '../shared/events';
import { CategoryLookup } from '../shared/lookups';
import { CreateCategory } from './category.commands';
import { categoryDecider, categoryLookup, foldCategory } from './category.decider';

const given = specFor(categoryDecider);

const create = (data: Partial<CreateCategory['data']> = {}): CreateCategory => ({
  type: 'CreateCategory',
  data: { categoryId: 'k5', name: 'Event Sourcing', parent: null, actor: admin, at: T0, ...data },
});

const created = (data: Partial<CategoryCreated['data']> = {}): CategoryCreated => ({
  type: 'CategoryCreated',
  data: {
    categoryId: 'k5',
    name: 'Event Sourcing',
    slug: 'event-sourcing',
    description: '',
    parentId: null,
    path: ['k5'],
    createdBy: admin.userId,
    at: T0,
    ...data,
  },
});

const parent = (path: string[], exists = true): CategoryLookup => ({
  id: path[path.length - 1],
  exists,
  path,
});

describe('category decider', () => {
  it('creates a top-level category with a slug derived from the name', () => {
    given([]).when(create()).then([created()]);
  });

  it('keeps a given slug and description', () => {
    given([])
      .when(create({ slug: 'es', description: '  Streams and folds.  ' }))
      .then([created({ slug: 'es', description: 'Streams and folds.' })]);
  });

  it('derives ASCII slugs from accented names', () => {
    given([])
      .when(create({ name: 'Écoles & Lycées' }))
      .then([created({ name: 'Écoles & Lycées', slug: 'ecoles-lycees' })]);
  });

  it('nests under a parent, carrying the full path', () => {
    given([])
      .when(create({ parent: parent(['k1', 'k2']) }))
      .then([created({ parentId: 'k2', path: ['k1', 'k2', 'k5'] })]);
  });

  it('allows the fourth level and refuses a fifth', () => {
    given([])
      .when(create({ parent: parent(['k1', 'k2', 'k3']) }))
      .then([created({ parentId: 'k3', path: ['k1', 'k2', 'k3', 'k5'] })]);
    given([])
      .when(create({ parent: parent(['k1', 'k2', 'k3', 'k4']) }))
      .then('CATEGORY_TOO_DEEP');
  });

  it('refuses a missing parent', () => {
    given([])
      .when(create({ parent: parent(['k9'], false) }))
      .then('CATEGORY_NOT_FOUND');
  });

  it('lets only admins and above create categories', () => {
    expect(
      given([])
        .when(create({ actor: superUser }))
        .events(),
    ).toHaveLength(1);
    given([])
      .when(create({ actor: moderator }))
      .then('FORBIDDEN');
    given([])
      .when(create({ actor: editor }))
      .then('FORBIDDEN');
    given([])
      .when(create({ actor: anon as Actor }))
      .then('UNAUTHENTICATED');
  });

  it('lists every bad field', () => {
    given([])
      .when(create({ name: ' ', slug: 'Not A Slug', description: 'd'.repeat(801) }))
      .thenFailsOn(['name', 'slug', 'description']);
    given([])
      .when(create({ name: 'x'.repeat(81) }))
      .thenFailsOn(['name', 'slug']);
  });

  it('needs a slug when none can be derived from the name', () => {
    given([])
      .when(create({ name: '日本語' }))
      .thenFailsOn(['slug']);
    given([])
      .when(create({ name: '日本語', slug: 'japanese' }))
      .then([created({ name: '日本語', slug: 'japanese' })]);
  });

  it('refuses a slug another category uses, given or derived', () => {
    given([])
      .when(create({ takenSlugs: ['event-sourcing'] }))
      .then('SLUG_TAKEN');
    given([])
      .when(create({ slug: 'es', takenSlugs: ['es', 'x'] }))
      .then('SLUG_TAKEN');
    given([])
      .when(create({ slug: 'es2', takenSlugs: ['es', 'event-sourcing'] }))
      .then([created({ slug: 'es2' })]);
  });

  it('refuses a second category on the same id', () => {
    given([created()]).when(create()).then('ALREADY_EXISTS');
  });

  it('folds to a lookup for questions and children', () => {
    const state = foldCategory([created({ parentId: 'k1', path: ['k1', 'k5'] })]);
    expect(categoryLookup('k5', state)).toEqual({ id: 'k5', exists: true, path: ['k1', 'k5'] });
    expect(categoryLookup('k6', foldCategory([]))).toEqual({ id: 'k6', exists: false, path: [] });
  });
});
