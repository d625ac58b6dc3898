import type { EventOf } from '@qa/domain';
import { EventFactory, anonymous, given, snapshot, userAuthor } from '../testing/events.fixture';
import { hotScore } from './hot-score';

describe('questions and posts projections: the question page and list fields', () => {
  const setup = () => {
    const f = new EventFactory();
    const alice = userAuthor('alice', 'Alice');
    const bob = userAuthor('bob', 'Bob');
    const base = [f.user('alice', 'Alice'), f.user('bob', 'Bob'), f.user('carol', 'Carol'), f.category('c1', 'Databases')];
    return { f, alice, bob, base };
  };

  it('creates the question with rendered body, category, tags, author and zeroed tallies', () => {
    const { f, alice, base } = setup();
    const asked = f.ask('q1', alice, { category: { categoryId: 'c1', path: ['c1'] }, tags: ['sql', 'mongodb'] });
    const q = given([...base, asked]).get('questions', 'q1')!;
    expect(q).toMatchObject({
      title: asked.data.title,
      body: 'Body of **q1**',
      bodyHtml: '<p>Body of <strong>q1</strong></p>\n',
      category: { id: 'c1', slug: 'databases', name: 'Databases' },
      categoryPath: ['c1'],
      tags: ['sql', 'mongodb'],
      author: { id: 'alice', username: 'Alice' },
      askedAt: asked.data.at,
      edited: null,
      closed: null,
      selectedAnswerId: null,
      hidden: false,
      votes: { up: 0, down: 0, net: 0 },
      answerCount: 0,
      lastAnswerAt: null,
      lastActivityAt: asked.data.at,
      revisions: 1,
      pos: asked.pos,
    });
    expect(q.hotScore).toBe(hotScore({ askedAt: asked.data.at, lastAnswerAt: null, answerCount: 0, netVotes: 0 }));
  });

  it('applies edits of title, body, tags and category, and remembers the last editor', () => {
    const { f, alice, bob, base } = setup();
    const docs = given([...base, f.category('c2', 'Networks'), f.ask('q1', alice, { tags: ['a'] })]);
    const edit = f.make<EventOf<'QuestionEdited'>>('question-q1', 'QuestionEdited', {
      questionId: 'q1',
      changes: { title: 'A better title for it', tags: ['b', 'c'], category: { categoryId: 'c2', path: ['c2'] } },
      previous: { title: 'old', tags: ['a'], category: null },
      reason: 'clarity',
      editedBy: bob,
      at: f.at(),
    });
    given([edit], docs);
    expect(docs.get('questions', 'q1')).toMatchObject({
      title: 'A better title for it',
      body: 'Body of **q1**',
      tags: ['b', 'c'],
      category: { id: 'c2', slug: 'networks', name: 'Networks' },
      categoryPath: ['c2'],
      edited: { by: { id: 'bob', username: 'Bob' }, at: edit.data.at, reason: 'clarity' },
      revisions: 2,
      lastActivityAt: edit.data.at,
    });
  });

  it('closes, reopens, selects and clears', () => {
    const { f, alice, bob, base } = setup();
    const docs = given([...base, f.ask('q1', alice), f.answer('a1', 'q1', bob, 'alice'), f.answer('a2', 'q1', bob, 'alice')]);
    const close = f.make<EventOf<'QuestionClosed'>>('question-q1', 'QuestionClosed', { questionId: 'q1', reason: 'dup', by: 'alice', at: f.at() });
    given([close], docs);
    expect(docs.get('questions', 'q1')!.closed).toEqual({ by: 'alice', at: close.data.at, reason: 'dup' });
    given([f.make<EventOf<'QuestionReopened'>>('question-q1', 'QuestionReopened', { questionId: 'q1', by: 'alice', at: f.at() })], docs);
    expect(docs.get('questions', 'q1')!.closed).toBeNull();

    given([f.select('q1', 'alice', 'a1', 'bob')], docs);
    expect(docs.get('questions', 'q1')!.selectedAnswerId).toBe('a1');
    expect(docs.get('posts', 'a1')!.selected).toBe(true);
    given([f.select('q1', 'alice', 'a2', 'bob', { answerId: 'a1', answerAuthorId: 'bob' })], docs);
    expect(docs.get('posts', 'a1')!.selected).toBe(false);
    expect(docs.get('posts', 'a2')!.selected).toBe(true);
    given([f.clearSelection('q1', 'alice', 'a2', 'bob')], docs);
    expect(docs.get('questions', 'q1')!.selectedAnswerId).toBeNull();
    expect(docs.get('posts', 'a2')!.selected).toBe(false);
  });

  it('counts answers, tracks the last answer and activity, and recomputes hotness', () => {
    const { f, alice, bob, base } = setup();
    const asked = f.ask('q1', alice);
    const a1 = f.answer('a1', 'q1', bob, 'alice');
    const a2 = f.answer('a2', 'q1', anonymous(), 'alice');
    const c1 = f.comment('c1', 'q1', { type: 'answer', id: 'a1' }, alice);
    const q = given([...base, asked, a1, a2, c1]).get('questions', 'q1')!;
    expect(q).toMatchObject({ answerCount: 2, lastAnswerAt: a2.data.at, lastActivityAt: c1.data.at });
    expect(q.hotScore).toBe(hotScore({ askedAt: asked.data.at, lastAnswerAt: a2.data.at, answerCount: 2, netVotes: 0 }));
  });

  it('stores answers and comments in posts, with their parent, edits and votes', () => {
    const { f, alice, bob, base } = setup();
    const a = { id: 'a1', type: 'answer' as const, questionId: 'q1', authorId: 'bob' };
    const docs = given([
      ...base,
      f.ask('q1', alice),
      f.answer('a1', 'q1', bob, 'alice'),
      f.comment('c1', 'q1', { type: 'answer', id: 'a1' }, anonymous('Guest')),
      f.vote(a, 'alice', 1),
      f.vote(a, 'carol', -1),
      f.vote(a, 'carol', 1, -1),
    ]);
    const edit = f.make<EventOf<'CommentEdited'>>('comment-c1', 'CommentEdited', {
      commentId: 'c1', questionId: 'q1', parent: { type: 'answer', id: 'a1' }, body: 'Better *comment*', previousBody: 'Comment c1', reason: null, editedBy: anonymous('Guest'), at: f.at(),
    });
    given([edit], docs);
    expect(docs.get('posts', 'a1')).toMatchObject({ kind: 'answer', questionId: 'q1', parent: null, votes: { up: 2, down: 0, net: 2 }, author: { id: 'bob', username: 'Bob' } });
    expect(docs.get('posts', 'c1')).toMatchObject({
      kind: 'comment',
      parent: { type: 'answer', id: 'a1' },
      body: 'Better *comment*',
      bodyHtml: '<p>Better <em>comment</em></p>\n',
      author: { id: null, name: 'Guest' },
      edited: { by: { id: null, name: 'Guest' }, at: edit.data.at, reason: null },
      revisions: 2,
    });
    const answerEdit = f.make<EventOf<'AnswerEdited'>>('answer-a1', 'AnswerEdited', {
      answerId: 'a1', questionId: 'q1', body: 'Edited answer', previousBody: 'Answer a1', reason: 'typo', editedBy: bob, at: f.at(),
    });
    given([answerEdit], docs);
    expect(docs.get('posts', 'a1')).toMatchObject({ body: 'Edited answer', edited: { reason: 'typo' }, revisions: 2 });
  });

  it('tallies question votes into votes, netVotes and hotness', () => {
    const { f, alice, base } = setup();
    const q = { id: 'q1', type: 'question' as const, questionId: 'q1', authorId: 'alice' };
    const asked = f.ask('q1', alice);
    const docs = given([...base, asked, f.vote(q, 'bob', 1), f.vote(q, 'carol', -1), f.vote(q, 'carol', 1, -1), f.vote(q, 'bob', 0, 1)]);
    const doc = docs.get('questions', 'q1')!;
    expect(doc).toMatchObject({ votes: { up: 1, down: 0, net: 1 }, netVotes: 1 });
    expect(doc.hotScore).toBe(hotScore({ askedAt: asked.data.at, lastAnswerAt: null, answerCount: 0, netVotes: 1 }));
  });

  it('hides and shows answers (answer count follows), comments and the question', () => {
    const { f, alice, bob, base } = setup();
    const docs = given([...base, f.ask('q1', alice), f.answer('a1', 'q1', bob, 'alice'), f.comment('c1', 'q1', { type: 'question', id: 'q1' }, bob)]);
    const hide = (postId: string, postType: 'question' | 'answer' | 'comment', type: 'PostHidden' | 'PostShown' = 'PostHidden') =>
      f.make<EventOf<'PostHidden'>>(`${postType}-${postId}`, type as 'PostHidden', { postId, postType, questionId: 'q1', by: 'mod', at: f.at() });
    given([hide('a1', 'answer')], docs);
    expect(docs.get('questions', 'q1')!.answerCount).toBe(0);
    expect(docs.get('posts', 'a1')!.hidden).toBe(true);
    // hiding twice does not count twice
    given([hide('a1', 'answer')], docs);
    expect(docs.get('questions', 'q1')!.answerCount).toBe(0);
    given([hide('a1', 'answer', 'PostShown'), hide('c1', 'comment'), hide('q1', 'question')], docs);
    expect(docs.get('questions', 'q1')).toMatchObject({ answerCount: 1, hidden: true });
    expect(docs.get('posts', 'c1')!.hidden).toBe(true);
  });

  it('changes nothing on re-delivery, and ignores what belongs to a post it never saw', () => {
    const { f, alice, bob, base } = setup();
    const history = [
      ...base,
      f.answer('a0', 'q0', bob, null),
      f.vote({ id: 'q0', type: 'question', questionId: 'q0', authorId: null }, 'bob', 1),
      f.ask('q1', alice),
      f.answer('a1', 'q1', bob, 'alice'),
      f.vote({ id: 'a1', type: 'answer', questionId: 'q1', authorId: 'bob' }, 'alice', 1),
      f.select('q1', 'alice', 'a1', 'bob'),
    ];
    const once = given(history);
    expect(once.get('questions', 'q0')).toBeNull();
    expect(once.get('posts', 'a0')).toMatchObject({ questionId: 'q0' });
    const twice = given([...history, ...history.slice(3), history[5]]);
    expect(snapshot(twice)).toEqual(snapshot(once));
  });
});
