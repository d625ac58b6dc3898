/**
 * Users and their reputation: profile, counts, points recomputed from the counts with the
 * pure formula, and one ledger entry per event that changed the points (the difference of the
 * formula before and after, so a user's ledger always sums to their points).
 * A vote's effect needs the post's tally before the vote, read from the post documents,
 * which are therefore written after the users (WRITE_ORDER).
 */
import { EMPTY_POINTS_COUNTS, pointsFor, postVoteScore, type DomainEvent, type Id } from '@qa/domain';
import type { ProjectionContext } from '../engine/projection.context';
import type { LedgerReason, UserCounts, VotesDoc } from '../engine/read-model.documents';
import { authorId } from '../engine/author';

export const EMPTY_USER_COUNTS: UserCounts = {
  ...EMPTY_POINTS_COUNTS,
  comments: 0,
  upvotesReceived: 0,
  downvotesReceived: 0,
};

/** Changes a user's counts; records the points it moved in the ledger. Unknown users are skipped. */
function changeCounts(
  ctx: ProjectionContext,
  userId: Id | null,
  reason: LedgerReason,
  postId: Id | undefined,
  change: (counts: UserCounts) => UserCounts,
): void {
  ctx.patch('users', userId, (user) => {
    const counts = change(user.counts);
    const points = pointsFor(counts, ctx.rules);
    const delta = points - user.points;
    if (delta !== 0) {
      ctx.insertOnce('ledger', {
        _id: `${ctx.event.id}:${user._id}:${reason}`,
        userId: user._id,
        at: eventTime(ctx.event),
        delta,
        reason,
        ...(postId ? { postId } : {}),
        eventId: ctx.event.id,
      });
    }
    return { ...user, counts, points };
  });
}

const inc = (key: keyof UserCounts, by: number) => (c: UserCounts): UserCounts => ({ ...c, [key]: c[key] + by });

/** The time an event happened, as its payload says. */
export function eventTime(event: DomainEvent): string {
  const data = event.data as { at?: string; registeredAt?: string };
  return data.at ?? data.registeredAt ?? '';
}

/** `value` removed from and `next` added to a tally. */
export function retally(votes: VotesDoc, previous: number, next: number): VotesDoc {
  const up = votes.up - (previous === 1 ? 1 : 0) + (next === 1 ? 1 : 0);
  const down = votes.down - (previous === -1 ? 1 : 0) + (next === -1 ? 1 : 0);
  return { up, down, net: up - down };
}

export function projectUsers(ctx: ProjectionContext): void {
  const e = ctx.event;
  switch (e.type) {
    case 'UserRegistered': {
      const d = e.data;
      ctx.update('users', d.userId, () => {
        const points = pointsFor(EMPTY_USER_COUNTS, ctx.rules);
        ctx.insertOnce('ledger', {
          _id: `${e.id}:${d.userId}:registered`,
          userId: d.userId,
          at: d.registeredAt,
          delta: points,
          reason: 'registered',
          eventId: e.id,
        });
        return {
          _id: d.userId,
          username: d.username,
          usernameLower: d.username.toLowerCase(),
          level: d.level,
          createdAt: d.registeredAt,
          erased: false,
          counts: EMPTY_USER_COUNTS,
          points,
        };
      });
      return;
    }
    case 'UserLevelChanged':
      ctx.patch('users', e.data.userId, (u) => ({ ...u, level: e.data.level }));
      return;
    case 'UserPersonalDataErased':
      ctx.patch('users', e.data.userId, (u) => ({ ...u, erased: true }));
      return;
    case 'QuestionAsked':
      changeCounts(ctx, authorId(e.data.author), 'question_posted', e.data.questionId, inc('questions', 1));
      return;
    case 'AnswerPosted':
      changeCounts(ctx, authorId(e.data.author), 'answer_posted', e.data.answerId, inc('answers', 1));
      return;
    case 'CommentPosted':
      changeCounts(ctx, authorId(e.data.author), 'comment_posted', e.data.commentId, inc('comments', 1));
      return;
    case 'AnswerSelected': {
      const d = e.data;
      // Q2A counts a selection only between different people: choosing one's own answer
      // earns neither side anything. An anonymous question's selected answer still counts
      // for its author (an expert selected it).
      const counted = (answerAuthor: Id | null) => answerAuthor !== null && answerAuthor !== d.questionAuthorId;
      if (d.previous && counted(d.previous.answerAuthorId)) {
        changeCounts(ctx, d.previous.answerAuthorId, 'answer_unselected', d.previous.answerId, inc('selectedAnswers', -1));
      }
      if (counted(d.answerAuthorId)) {
        changeCounts(ctx, d.answerAuthorId, 'answer_selected', d.answerId, inc('selectedAnswers', 1));
      }
      const before = d.previous && counted(d.previous.answerAuthorId) ? 1 : 0;
      const after = counted(d.answerAuthorId) ? 1 : 0;
      if (after !== before) {
        changeCounts(
          ctx,
          d.questionAuthorId,
          after > before ? 'selected_answer' : 'unselected_answer',
          d.questionId,
          inc('selectionsMade', after - before),
        );
      }
      return;
    }
    case 'AnswerSelectionCleared': {
      const d = e.data;
      if (d.answerAuthorId !== null && d.answerAuthorId !== d.questionAuthorId) {
        changeCounts(ctx, d.answerAuthorId, 'answer_unselected', d.answerId, inc('selectedAnswers', -1));
        changeCounts(ctx, d.questionAuthorId, 'unselected_answer', d.questionId, inc('selectionsMade', -1));
      }
      return;
    }
    case 'VoteCast': {
      const d = e.data;
      const post = d.postType === 'question' ? ctx.get('questions', d.postId) : ctx.get('posts', d.postId);
      const before: VotesDoc = post?.votes ?? { up: 0, down: 0, net: 0 };
      const after = retally(before, d.previousValue, d.value);
      const scoreKey = d.postType === 'question' ? 'questionVoteScore' : 'answerVoteScore';
      const scoreDelta = postVoteScore(d.postType, after, ctx.rules) - postVoteScore(d.postType, before, ctx.rules);
      const reason: LedgerReason =
        d.value === 1 ? `${d.postType}_upvoted` : d.value === -1 ? `${d.postType}_downvoted` : `${d.postType}_vote_removed`;
      changeCounts(ctx, d.postAuthorId, reason, d.postId, (c) => ({
        ...c,
        [scoreKey]: c[scoreKey] + scoreDelta,
        upvotesReceived: c.upvotesReceived + (after.up - before.up),
        downvotesReceived: c.downvotesReceived + (after.down - before.down),
      }));
      const cast = (d.value !== 0 ? 1 : 0) - (d.previousValue !== 0 ? 1 : 0);
      changeCounts(ctx, d.voterId, cast < 0 ? 'vote_removed' : 'vote_cast', d.postId, inc('votesCast', cast));
      return;
    }
    default:
      return;
  }
}
