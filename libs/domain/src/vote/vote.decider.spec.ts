import { Actor } from '../shared/actor';
import { specFor } from '../shared/decider-spec';
import { alice, anon, bob, carol, T0, T1 } from '../shared/domain.fixtures';
import { VoteCast, VoteValue } from '../shared/events';
import { PostLookup } from '../shared/lookups';
import { postLookup } from '../shared/post.fixtures';
import { CastVote } from './vote.commands';
import { foldVote, voteDecider } from './vote.decider';

const given = specFor(voteDecider);

const answerPost = (over: Partial<PostLookup> = {}) =>
  postLookup({ type: 'answer', id: 'a1', ...over });
const questionPost = postLookup;

const cast = (value: number, actor: Actor = bob, post: PostLookup = answerPost()): CastVote => ({
  type: 'CastVote',
  data: { post, value: value as VoteValue, actor, at: T1 },
});

const cast_ = (
  value: VoteValue,
  previousValue: VoteValue,
  post = answerPost(),
  at = T1,
): VoteCast => ({
  type: 'VoteCast',
  data: {
    postId: post.id,
    postType: post.type,
    questionId: post.questionId,
    postAuthorId: post.authorId,
    voterId: bob.userId,
    value,
    previousValue,
    at,
  },
});

describe('vote decider', () => {
  it("records an up vote naming the post's type, question and author", () => {
    given([])
      .when(cast(1))
      .then([cast_(1, 0)]);
  });

  it('records a down vote on a question', () => {
    given([])
      .when(cast(-1, bob, questionPost()))
      .then([cast_(-1, 0, questionPost())]);
  });

  it('changes a vote, carrying the previous value', () => {
    given([cast_(1, 0, answerPost(), T0)])
      .when(cast(-1))
      .then([cast_(-1, 1)]);
  });

  it('withdraws a vote with 0', () => {
    given([cast_(-1, 0, answerPost(), T0)])
      .when(cast(0))
      .then([cast_(0, -1)]);
  });

  it('decides nothing when the value is the current one', () => {
    given([cast_(1, 0, answerPost(), T0)])
      .when(cast(1))
      .then([]);
    given([]).when(cast(0)).then([]);
  });

  it('votes again after a withdrawal', () => {
    given([cast_(1, 0, answerPost(), T0), cast_(0, 1, answerPost(), T0)])
      .when(cast(1))
      .then([cast_(1, 0)]);
  });

  it('accepts votes on posts of a closed question', () => {
    given([])
      .when(cast(1, bob, answerPost({ questionClosed: true })))
      .then([cast_(1, 0, answerPost({ questionClosed: true }))]);
  });

  it('refuses anonymous voters', () => {
    given([]).when(cast(1, anon)).then('UNAUTHENTICATED');
  });

  it("refuses votes on one's own post", () => {
    given([]).when(cast(1, alice)).then('CANNOT_VOTE_OWN_POST');
    given([])
      .when(cast(-1, alice, questionPost()))
      .then('CANNOT_VOTE_OWN_POST');
  });

  it('refuses votes on a hidden post or on an answer of a hidden question', () => {
    given([])
      .when(cast(1, bob, answerPost({ hidden: true })))
      .then('CANNOT_VOTE_HIDDEN_POST');
    given([])
      .when(cast(1, bob, answerPost({ questionHidden: true })))
      .then('CANNOT_VOTE_HIDDEN_POST');
    given([cast_(1, 0, answerPost(), T0)])
      .when(cast(0, bob, answerPost({ hidden: true })))
      .then('CANNOT_VOTE_HIDDEN_POST');
  });

  it('refuses a missing post with the code of its type', () => {
    given([])
      .when(cast(1, bob, answerPost({ exists: false })))
      .then('ANSWER_NOT_FOUND');
    given([])
      .when(cast(1, bob, questionPost({ exists: false })))
      .then('QUESTION_NOT_FOUND');
  });

  it('refuses values other than 1, -1 and 0', () => {
    given([]).when(cast(2)).thenFailsOn(['value']);
    given([]).when(cast(0.5, carol)).thenFailsOn(['value']);
  });

  it('folds to the current value', () => {
    expect(foldVote([]).value).toBe(0);
    expect(foldVote([cast_(1, 0), cast_(-1, 1)])).toEqual({
      value: -1,
      postId: 'a1',
      voterId: bob.userId,
    });
  });
});
