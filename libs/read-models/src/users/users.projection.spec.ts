import { EventFactory, anonymous, given, ledgerOf, snapshot, userAuthor } from '../testing/events.fixture';
import type { EventOf } from '@qa/domain';

describe('users projection: profile, counts, points and the reputation ledger', () => {
  const setup = () => {
    const f = new EventFactory();
    const alice = userAuthor('alice', 'Alice');
    const bob = userAuthor('bob', 'Bob');
    const base = [f.user('alice', 'Alice'), f.user('bob', 'Bob'), f.user('carol', 'Carol')];
    const q = { id: 'q1', type: 'question' as const, questionId: 'q1', authorId: 'alice' };
    const a = { id: 'a1', type: 'answer' as const, questionId: 'q1', authorId: 'bob' };
    return { f, alice, bob, base, q, a };
  };

  it('registers a user with the base points and a first ledger entry', () => {
    const { base } = setup();
    const docs = given(base);
    const alice = docs.get('users', 'alice')!;
    expect(alice).toMatchObject({ username: 'Alice', usernameLower: 'alice', level: 0, points: 100, erased: false });
    expect(ledgerOf(docs, 'alice').map((l) => [l.delta, l.reason])).toEqual([[100, 'registered']]);
  });

  it('changes the level and marks erasure', () => {
    const { f, base } = setup();
    const docs = given([
      ...base,
      f.make<EventOf<'UserLevelChanged'>>('user-alice', 'UserLevelChanged', { userId: 'alice', level: 100, previousLevel: 0, changedBy: 'x', at: f.at() }),
      f.make<EventOf<'UserPersonalDataErased'>>('user-alice', 'UserPersonalDataErased', { userId: 'alice', erasedBy: null, at: f.at() }),
    ]);
    expect(docs.get('users', 'alice')).toMatchObject({ level: 100, erased: true });
  });

  it('counts questions (+20), answers (+40) and comments (no points)', () => {
    const { f, alice, bob, base } = setup();
    const docs = given([
      ...base,
      f.ask('q1', alice),
      f.answer('a1', 'q1', bob, 'alice'),
      f.comment('c1', 'q1', { type: 'question', id: 'q1' }, bob),
    ]);
    expect(docs.get('users', 'alice')).toMatchObject({ points: 120, counts: { questions: 1 } });
    expect(docs.get('users', 'bob')).toMatchObject({ points: 140, counts: { answers: 1, comments: 1 } });
    expect(ledgerOf(docs, 'bob').map((l) => [l.delta, l.reason, l.postId])).toEqual([
      [100, 'registered', undefined],
      [40, 'answer_posted', 'a1'],
    ]);
  });

  it('scores votes received and cast, including a changed and a withdrawn vote', () => {
    const { f, alice, bob, base, a } = setup();
    const docs = given([
      ...base,
      f.ask('q1', alice),
      f.answer('a1', 'q1', bob, 'alice'),
      f.vote(a, 'alice', 1),
      f.vote(a, 'carol', 1),
    ]);
    // bob: 100 + 40 (answer) + 2 upvotes x 20
    expect(docs.get('users', 'bob')).toMatchObject({ points: 180, counts: { upvotesReceived: 2, answerVoteScore: 4 } });
    // alice: 100 + 20 (question) + 10 (vote cast)
    expect(docs.get('users', 'alice')).toMatchObject({ points: 130, counts: { votesCast: 1 } });

    given([f.vote(a, 'carol', -1, 1)], docs);
    // one up (+20), one down (-20): 140
    expect(docs.get('users', 'bob')).toMatchObject({ points: 140, counts: { upvotesReceived: 1, downvotesReceived: 1 } });
    expect(docs.get('users', 'carol')).toMatchObject({ points: 110, counts: { votesCast: 1 } });

    given([f.vote(a, 'carol', 0, -1)], docs);
    expect(docs.get('users', 'bob')).toMatchObject({ points: 160, counts: { upvotesReceived: 1, downvotesReceived: 0 } });
    expect(docs.get('users', 'carol')).toMatchObject({ points: 100, counts: { votesCast: 0 } });
    expect(ledgerOf(docs, 'carol').map((l) => [l.delta, l.reason])).toEqual([
      [100, 'registered'],
      [10, 'vote_cast'],
      [-10, 'vote_removed'],
    ]);
  });

  it('caps what one question earns: the 11th upvote adds nothing and leaves no ledger entry', () => {
    const f = new EventFactory();
    const voters = Array.from({ length: 12 }, (_, i) => `v${i}`);
    const q = { id: 'q1', type: 'question' as const, questionId: 'q1', authorId: 'alice' };
    const docs = given([f.user('alice'), ...voters.map((v) => f.user(v)), f.ask('q1', userAuthor('alice'))]);
    given(voters.slice(0, 11).map((v) => f.vote(q, v, 1)), docs);
    // 100 + 20 + min(11, 10) x 10
    expect(docs.get('users', 'alice')!.points).toBe(220);
    const entries = ledgerOf(docs, 'alice');
    expect(entries.filter((l) => l.reason === 'question_upvoted')).toHaveLength(10);
    // four downvotes: the loss is capped at 3 x 10
    given(voters.slice(0, 4).map((v) => f.vote(q, v, -1, 1)), docs);
    // up 7, down 4: 100 + 20 + 10 x (7 - 3)
    expect(docs.get('users', 'alice')!.points).toBe(160);
    expect(ledgerOf(docs, 'alice').reduce((s, l) => s + l.delta, 0)).toBe(160);
  });

  it('rewards selecting another person\'s answer (+30) and having one selected (+300); self-selection counts nothing', () => {
    const { f, alice, bob, base } = setup();
    const docs = given([
      ...base,
      f.ask('q1', alice),
      f.answer('a1', 'q1', bob, 'alice'),
      f.answer('a2', 'q1', alice, 'alice'),
      f.select('q1', 'alice', 'a1', 'bob'),
    ]);
    expect(docs.get('users', 'bob')).toMatchObject({ points: 440, counts: { selectedAnswers: 1 } });
    expect(docs.get('users', 'alice')).toMatchObject({ points: 190, counts: { selectionsMade: 1 } });

    // switching to her own answer takes both away
    given([f.select('q1', 'alice', 'a2', 'alice', { answerId: 'a1', answerAuthorId: 'bob' })], docs);
    expect(docs.get('users', 'bob')).toMatchObject({ points: 140, counts: { selectedAnswers: 0 } });
    expect(docs.get('users', 'alice')).toMatchObject({ points: 160, counts: { selectionsMade: 0 } });

    given([f.select('q1', 'alice', 'a1', 'bob', { answerId: 'a2', answerAuthorId: 'alice' }), f.clearSelection('q1', 'alice', 'a1', 'bob')], docs);
    expect(docs.get('users', 'bob')!.points).toBe(140);
    expect(docs.get('users', 'alice')!.points).toBe(160);
    expect(ledgerOf(docs, 'bob').map((l) => l.reason)).toEqual([
      'registered', 'answer_posted', 'answer_selected', 'answer_unselected', 'answer_selected', 'answer_unselected',
    ]);
  });

  it('ignores anonymous authors and users it never saw, and still counts the voter', () => {
    const { f, base } = setup();
    const docs = given([
      ...base,
      f.ask('q1', anonymous('Guest')),
      f.vote({ id: 'q9', type: 'question', questionId: 'q9', authorId: 'ghost' }, 'carol', 1),
    ]);
    expect(docs.get('users', 'ghost')).toBeNull();
    expect(docs.get('users', 'carol')!.points).toBe(110);
  });

  it('changes nothing when events are delivered again, one by one or as a whole batch', () => {
    const { f, alice, bob, base, a, q } = setup();
    const history = [
      ...base,
      f.ask('q1', alice),
      f.answer('a1', 'q1', bob, 'alice'),
      f.vote(a, 'alice', 1),
      f.vote(q, 'bob', -1),
      f.select('q1', 'alice', 'a1', 'bob'),
      f.vote(a, 'alice', -1, 1),
    ];
    const once = snapshot(given(history));
    const docs = given(history);
    for (const e of history) given([e, e], docs);
    given(history, docs);
    expect(snapshot(docs)).toEqual(once);
    for (const u of ['alice', 'bob', 'carol']) {
      expect(ledgerOf(docs, u).reduce((s, l) => s + l.delta, 0)).toBe(docs.get('users', u)!.points);
    }
  });

  it('ignores an older event delivered after a newer one', () => {
    const { f, alice, bob, base, a } = setup();
    const docs = given([...base, f.ask('q1', alice), f.answer('a1', 'q1', bob, 'alice')]);
    const up = f.vote(a, 'alice', 1);
    const down = f.vote(a, 'alice', -1, 1);
    given([up, down, up], docs);
    expect(docs.get('users', 'bob')).toMatchObject({ counts: { upvotesReceived: 0, downvotesReceived: 1 }, points: 120 });
  });
});
