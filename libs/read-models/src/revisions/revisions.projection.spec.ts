import type { EventOf } from '@qa/domain';
import { EventFactory, anonymous, given, snapshot, userAuthor } from '../testing/events.fixture';

describe('revisions projection: every revision of every post, oldest first', () => {
  it('keeps the original and each edit with the full content after it', () => {
    const f = new EventFactory();
    const alice = userAuthor('alice', 'Alice');
    const bob = userAuthor('bob', 'Bob');
    const asked = f.ask('q1', alice, { tags: ['x'], title: 'The first title of q1' });
    const edit1 = f.make<EventOf<'QuestionEdited'>>('question-q1', 'QuestionEdited', {
      questionId: 'q1', changes: { body: 'New body' }, previous: { body: asked.data.body }, reason: 'more detail', editedBy: alice, at: f.at(),
    });
    const edit2 = f.make<EventOf<'QuestionEdited'>>('question-q1', 'QuestionEdited', {
      questionId: 'q1', changes: { title: 'The second title of q1', tags: ['y'] }, previous: { title: asked.data.title, tags: ['x'] }, reason: null, editedBy: bob, at: f.at(),
    });
    const answered = f.answer('a1', 'q1', anonymous(), 'alice');
    const answerEdit = f.make<EventOf<'AnswerEdited'>>('answer-a1', 'AnswerEdited', {
      answerId: 'a1', questionId: 'q1', body: 'Answer v2', previousBody: 'Answer a1', reason: null, editedBy: bob, at: f.at(),
    });
    const commented = f.comment('c1', 'q1', { type: 'question', id: 'q1' }, bob);
    const history = [f.user('alice', 'Alice'), f.user('bob', 'Bob'), asked, edit1, edit2, answered, answerEdit, commented];
    const docs = given(history);
    const of = (postId: string) => [...docs.collections.revisions.values()].filter((r) => r.postId === postId).sort((a, b) => a.revision - b.revision);

    expect(of('q1').map(({ revision, at, by, reason, title, body, tags }) => ({ revision, at, by, reason, title, body, tags }))).toEqual([
      { revision: 1, at: asked.data.at, by: { id: 'alice', username: 'Alice' }, reason: null, title: 'The first title of q1', body: asked.data.body, tags: ['x'] },
      { revision: 2, at: edit1.data.at, by: { id: 'alice', username: 'Alice' }, reason: 'more detail', title: 'The first title of q1', body: 'New body', tags: ['x'] },
      { revision: 3, at: edit2.data.at, by: { id: 'bob', username: 'Bob' }, reason: null, title: 'The second title of q1', body: 'New body', tags: ['y'] },
    ]);
    expect(of('a1').map((r) => [r.revision, r.body, r.by])).toEqual([
      [1, 'Answer a1', { id: null, name: null }],
      [2, 'Answer v2', { id: 'bob', username: 'Bob' }],
    ]);
    expect(of('c1').map((r) => [r.revision, r.postType])).toEqual([[1, 'comment']]);

    // re-delivering an edit neither adds a revision nor renumbers
    const again = given([...history, edit1, edit2, answerEdit]);
    expect(snapshot(again)).toEqual(snapshot(docs));
  });
});
