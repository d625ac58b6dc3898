import {
  DEFAULT_POINTS_RULES,
  EMPTY_POINTS_COUNTS,
  pointsDelta,
  pointsFor,
  pointsRules,
  postVoteScore,
} from './points.rules';

describe('points (DOMAIN.md formula, Q2A defaults)', () => {
  it('gives a new user the base 100', () => {
    expect(pointsFor(EMPTY_POINTS_COUNTS)).toBe(100);
  });

  it('gives +20 per question, +40 per answer, +300 per selected answer, +30 per selection made', () => {
    expect(pointsFor({ ...EMPTY_POINTS_COUNTS, questions: 1 })).toBe(120);
    expect(pointsFor({ ...EMPTY_POINTS_COUNTS, answers: 1 })).toBe(140);
    expect(pointsFor({ ...EMPTY_POINTS_COUNTS, selectedAnswers: 1 })).toBe(400);
    expect(pointsFor({ ...EMPTY_POINTS_COUNTS, selectionsMade: 1 })).toBe(130);
    expect(pointsFor({ ...EMPTY_POINTS_COUNTS, votesCast: 3 })).toBe(130);
  });

  it('caps what one question earns from votes at +10 and -3 (x10)', () => {
    expect(postVoteScore('question', { up: 4, down: 0 })).toBe(4);
    expect(postVoteScore('question', { up: 11, down: 0 })).toBe(10);
    expect(postVoteScore('question', { up: 0, down: 7 })).toBe(-3);
    expect(postVoteScore('question', { up: 12, down: 7 })).toBe(7);
  });

  it('caps what one answer earns from votes at +20 and -5 (2 per vote, x10)', () => {
    expect(postVoteScore('answer', { up: 1, down: 0 })).toBe(2);
    expect(postVoteScore('answer', { up: 10, down: 0 })).toBe(20);
    expect(postVoteScore('answer', { up: 11, down: 0 })).toBe(20);
    expect(postVoteScore('answer', { up: 0, down: 2 })).toBe(-4);
    expect(postVoteScore('answer', { up: 0, down: 3 })).toBe(-5);
  });

  it('adds the capped vote scores of every post', () => {
    // two questions: 11 up (capped 10) and 1 down; one answer with 3 up: 2 questions, 1 answer
    const counts = {
      ...EMPTY_POINTS_COUNTS,
      questions: 2,
      answers: 1,
      questionVoteScore: postVoteScore('question', { up: 11, down: 0 }) + postVoteScore('question', { up: 0, down: 1 }),
      answerVoteScore: postVoteScore('answer', { up: 3, down: 0 }),
    };
    // 100 + 10 * (2*2 + 4*1 + 10 - 1 + 6) = 100 + 10 * 23 = 330
    expect(pointsFor(counts)).toBe(330);
  });

  it('takes rule values from configuration', () => {
    const rules = pointsRules({ questionPosted: 5, base: 0 });
    expect(pointsFor({ ...EMPTY_POINTS_COUNTS, questions: 2 }, rules)).toBe(100);
    expect(DEFAULT_POINTS_RULES.questionPosted).toBe(2);
  });

  it('expresses a change as the difference of the formula, so the 11th upvote adds 0', () => {
    const before = { ...EMPTY_POINTS_COUNTS, questions: 1, questionVoteScore: postVoteScore('question', { up: 10, down: 0 }) };
    const after = { ...before, questionVoteScore: postVoteScore('question', { up: 11, down: 0 }) };
    expect(pointsDelta(before, after)).toBe(0);
    expect(pointsDelta(EMPTY_POINTS_COUNTS, { ...EMPTY_POINTS_COUNTS, answers: 1 })).toBe(40);
  });
});
