import type { EventOf } from '@qa/domain';
import { EventFactory, given, snapshot, userAuthor } from '../testing/events.fixture';

describe('categories projection: the tree and its question counts (sub-categories included)', () => {
  const setup = () => {
    const f = new EventFactory();
    const alice = userAuthor('alice');
    const base = [
      f.user('alice'),
      f.category('tech', 'Tech'),
      f.category('db', 'Databases', { id: 'tech', path: ['tech'] }),
      f.category('net', 'Networks', { id: 'tech', path: ['tech'] }),
      f.category('life', 'Life'),
    ];
    return { f, alice, base };
  };
  const counts = (docs: ReturnType<typeof given>) =>
    Object.fromEntries([...docs.collections.categories.values()].map((c) => [c._id, c.questionCount]));

  it('creates categories with their parent and path', () => {
    const { base } = setup();
    expect(given(base).get('categories', 'db')).toMatchObject({ name: 'Databases', slug: 'databases', description: 'About Databases', parentId: 'tech', path: ['tech', 'db'], questionCount: 0 });
  });

  it('counts a question on its category and every ancestor; an edit moves it; hiding takes it out', () => {
    const { f, alice, base } = setup();
    const docs = given([
      ...base,
      f.ask('q1', alice, { category: { categoryId: 'db', path: ['tech', 'db'] } }),
      f.ask('q2', alice, { category: { categoryId: 'tech', path: ['tech'] } }),
      f.ask('q3', alice),
    ]);
    expect(counts(docs)).toEqual({ tech: 2, db: 1, net: 0, life: 0 });

    given([
      f.make<EventOf<'QuestionEdited'>>('question-q1', 'QuestionEdited', {
        questionId: 'q1', changes: { category: { categoryId: 'life', path: ['life'] } }, previous: { category: { categoryId: 'db', path: ['tech', 'db'] } }, reason: null, editedBy: alice, at: f.at(),
      }),
    ], docs);
    expect(counts(docs)).toEqual({ tech: 1, db: 0, net: 0, life: 1 });

    const hidden = f.make<EventOf<'PostHidden'>>('question-q2', 'PostHidden', { postId: 'q2', postType: 'question', questionId: 'q2', by: 'mod', at: f.at() });
    given([hidden, hidden], docs);
    expect(counts(docs)).toEqual({ tech: 0, db: 0, net: 0, life: 1 });
    given([f.make<EventOf<'PostShown'>>('question-q2', 'PostShown', { postId: 'q2', postType: 'question', questionId: 'q2', by: 'mod', at: f.at() })], docs);
    expect(counts(docs)).toEqual({ tech: 1, db: 0, net: 0, life: 1 });
  });

  it('changes nothing on re-delivery', () => {
    const { f, alice, base } = setup();
    const history = [...base, f.ask('q1', alice, { category: { categoryId: 'net', path: ['tech', 'net'] } })];
    expect(snapshot(given([...history, ...history]))).toEqual(snapshot(given(history)));
  });
});
