/**
 * Q2A's hotness (`qa-include/db/hotness.php`, DOMAIN.md): the question's age and its last
 * answer's age in seconds since 2010, plus answers and net votes worth 160,000 seconds each,
 * every weight at Q2A's default 100. A question without answers counts its own time twice
 * (Q2A's COALESCE(last answer, question)). Views are not counted by this product.
 */
const EPOCH_2010 = Date.UTC(2010, 0, 1) / 1000;

export interface HotWeights {
  questionAge: number;
  answerAge: number;
  answers: number;
  votes: number;
}

export const DEFAULT_HOT_WEIGHTS: HotWeights = { questionAge: 100, answerAge: 100, answers: 100, votes: 100 };

const seconds = (iso: string) => Date.parse(iso) / 1000 - EPOCH_2010;

export function hotScore(
  q: { askedAt: string; lastAnswerAt: string | null; answerCount: number; netVotes: number },
  w: HotWeights = DEFAULT_HOT_WEIGHTS,
): number {
  return (
    seconds(q.askedAt) * w.questionAge +
    seconds(q.lastAnswerAt ?? q.askedAt) * w.answerAge +
    q.answerCount * w.answers * 160000 +
    q.netVotes * w.votes * 160000
  );
}
