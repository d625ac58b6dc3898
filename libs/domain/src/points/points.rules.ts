/**
 * Reputation points, as Q2A computes them (DOMAIN.md "Points"): a pure function from a user's
 * stored counts to their points, with every rule value configurable and defaulting to Q2A 1.8.
 * Points are always recomputed from counts; the ledger deltas below are differences of this
 * same function, so the ledger of a user always sums to their points.
 */
import type { PostType } from '../shared/events';

export interface PointsRules {
  /** Added once, not multiplied. */
  base: number;
  /** Every other rule is multiplied by this. */
  multiple: number;
  questionPosted: number;
  answerPosted: number;
  /** Choosing someone else's answer as best on one's own question. */
  selectAnswer: number;
  /** One's own answer selected as best by someone else. */
  answerSelected: number;
  questionUpvote: number;
  questionUpvoteMax: number;
  questionDownvote: number;
  questionDownvoteMax: number;
  answerUpvote: number;
  answerUpvoteMax: number;
  answerDownvote: number;
  answerDownvoteMax: number;
  /** Each up or down vote cast on a question or an answer. */
  voteCast: number;
}

/** Q2A 1.8 defaults (`qa_default_option` points_*). */
export const DEFAULT_POINTS_RULES: PointsRules = Object.freeze({
  base: 100,
  multiple: 10,
  questionPosted: 2,
  answerPosted: 4,
  selectAnswer: 3,
  answerSelected: 30,
  questionUpvote: 1,
  questionUpvoteMax: 10,
  questionDownvote: 1,
  questionDownvoteMax: 3,
  answerUpvote: 2,
  answerUpvoteMax: 20,
  answerDownvote: 2,
  answerDownvoteMax: 5,
  voteCast: 1,
});

/** The counts points are computed from; the read model stores exactly these. */
export interface PointsCounts {
  questions: number;
  answers: number;
  /** Answers by others this user selected as best on their own questions. */
  selectionsMade: number;
  /** This user's answers selected as best by someone else. */
  selectedAnswers: number;
  /** Up or down votes this user currently has on questions and answers. */
  votesCast: number;
  /** Sum over own questions of `postVoteScore('question', ...)`. */
  questionVoteScore: number;
  /** Sum over own answers of `postVoteScore('answer', ...)`. */
  answerVoteScore: number;
}

export const EMPTY_POINTS_COUNTS: PointsCounts = Object.freeze({
  questions: 0,
  answers: 0,
  selectionsMade: 0,
  selectedAnswers: 0,
  votesCast: 0,
  questionVoteScore: 0,
  answerVoteScore: 0,
});

export interface VoteTally {
  up: number;
  down: number;
}

/**
 * What one post's votes add to its author, before the multiple, with Q2A's per-post caps:
 * the 11th upvote on a question adds nothing.
 */
export function postVoteScore(
  postType: Extract<PostType, 'question' | 'answer'>,
  votes: VoteTally,
  rules: PointsRules = DEFAULT_POINTS_RULES,
): number {
  return postType === 'question'
    ? Math.min(rules.questionUpvote * votes.up, rules.questionUpvoteMax) -
        Math.min(rules.questionDownvote * votes.down, rules.questionDownvoteMax)
    : Math.min(rules.answerUpvote * votes.up, rules.answerUpvoteMax) -
        Math.min(rules.answerDownvote * votes.down, rules.answerDownvoteMax);
}

/** The DOMAIN.md formula: counts -> points. */
export function pointsFor(counts: PointsCounts, rules: PointsRules = DEFAULT_POINTS_RULES): number {
  return (
    rules.base +
    rules.multiple *
      (rules.questionPosted * counts.questions +
        rules.answerPosted * counts.answers +
        rules.selectAnswer * counts.selectionsMade +
        rules.answerSelected * counts.selectedAnswers +
        counts.questionVoteScore +
        counts.answerVoteScore +
        rules.voteCast * counts.votesCast)
  );
}

/** How a change of counts moves a user's points; the reputation ledger records exactly this. */
export function pointsDelta(
  before: PointsCounts,
  after: PointsCounts,
  rules: PointsRules = DEFAULT_POINTS_RULES,
): number {
  return pointsFor(after, rules) - pointsFor(before, rules);
}

/** Rules from a partial override (configuration), the rest defaulting to Q2A's. */
export function pointsRules(overrides: Partial<PointsRules> = {}): PointsRules {
  return { ...DEFAULT_POINTS_RULES, ...overrides };
}
