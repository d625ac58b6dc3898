import type { EventOf } from '@qa/domain';
import { EventFactory, given, snapshot, userAuthor } from '../testing/events.fixture';

describe('list counts projection: the total of every question list filter', () => {
  const counts = (docs: ReturnType<typeof given>) =>
    Object.fromEntries([...docs.collections.listCounts.values()].filter((d) => d.count !== 0).map((d) => [d._id, d.count]));

  it('counts visible questions per filter, unanswered ones apart, and follows edits, answers and hiding', () => {
    const f = new EventFactory();
    const alice = userAuthor('alice');
    const hide = (postId: string, postType: 'question' | 'answer', type: 'PostHidden' | 'PostShown') =>
      f.make<EventOf<'PostHidden'>>(`${postType}-${postId}`, type as 'PostHidden', { postId, postType, questionId: 'q1', by: 'mod', at: f.at() });
    const docs = given([
      f.user('alice'),
      f.category('tech', 'Tech'),
      f.category('db', 'Db', { id: 'tech', path: ['tech'] }),
      f.ask('q1', alice, { category: { categoryId: 'db', path: ['tech', 'db'] }, tags: ['sql'] }),
      f.ask('q2', alice, { tags: ['sql', 'js'] }),
    ]);
    expect(counts(docs)).toEqual({
      all: 2, 'all:u': 2, 'c:tech': 1, 'c:tech:u': 1, 'c:db': 1, 'c:db:u': 1, 't:sql': 2, 't:sql:u': 2, 't:js': 1, 't:js:u': 1,
    });

    const answered = f.answer('a1', 'q1', alice, 'alice');
    given([answered, answered], docs);
    expect(counts(docs)).toMatchObject({ all: 2, 'all:u': 1, 'c:db': 1, 't:sql': 2, 't:sql:u': 1 });
    expect(counts(docs)['c:db:u']).toBeUndefined();

    given([hide('a1', 'answer', 'PostHidden')], docs);
    expect(counts(docs)).toMatchObject({ 'all:u': 2, 'c:db:u': 1 });
    given([hide('a1', 'answer', 'PostShown'), hide('q1', 'question', 'PostHidden')], docs);
    expect(counts(docs)).toEqual({ all: 1, 'all:u': 1, 't:sql': 1, 't:sql:u': 1, 't:js': 1, 't:js:u': 1 });
    given([hide('q1', 'question', 'PostShown')], docs);

    given([
      f.make<EventOf<'QuestionEdited'>>('question-q2', 'QuestionEdited', {
        questionId: 'q2', changes: { tags: ['go'], category: { categoryId: 'tech', path: ['tech'] } }, previous: {}, reason: null, editedBy: alice, at: f.at(),
      }),
    ], docs);
    expect(counts(docs)).toEqual({
      all: 2, 'all:u': 1, 'c:tech': 2, 'c:tech:u': 1, 'c:db': 1, 't:sql': 1, 't:go': 1, 't:go:u': 1,
    });
  });

  it('changes nothing on re-delivery', () => {
    const f = new EventFactory();
    const history = [f.user('alice'), f.ask('q1', userAuthor('alice'), { tags: ['x'] }), f.answer('a1', 'q1', userAuthor('alice'), 'alice')];
    expect(snapshot(given([...history, ...history]))).toEqual(snapshot(given(history)));
  });
});
