/** Turns generated histories into projected events and checks the read models' invariants. */
import { postVoteScore } from '@qa/domain';
import type { ProjectedEvent } from '../engine/projection.context';
import type { MemoryDocSet } from '../engine/read-model.projection';
import type { GeneratedEvent } from './history.generator';
import { listCountKeys } from '../questions/list-counts.projection';

export function asProjected(history: GeneratedEvent[]): ProjectedEvent[] {
  const revisions = new Map<string, bigint>();
  return history.map((e, i) => {
    const revision = (revisions.get(e.stream) ?? -1n) + 1n;
    revisions.set(e.stream, revision);
    return { ...e, id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, revision, pos: (i + 1) * 10 } as unknown as ProjectedEvent;
  });
}

/**
 * What must hold whatever the history: each user's counts agree with the posts, votes and
 * selections in the other documents, and the ledger sums to the points.
 */
export function invariantViolations(docs: MemoryDocSet): string[] {
  const problems: string[] = [];
  const questions = [...docs.collections.questions.values()];
  const posts = [...docs.collections.posts.values()];
  for (const u of docs.collections.users.values()) {
    const own = <T extends { author: { id: string | null } }>(xs: T[]) => xs.filter((x) => x.author.id === u._id);
    const ownQ = own(questions);
    const ownA = own(posts.filter((p) => p.kind === 'answer'));
    const expect = (what: string, actual: number, expected: number) => {
      if (actual !== expected) problems.push(`${u._id} ${what}: ${actual} != ${expected}`);
    };
    expect('questions', u.counts.questions, ownQ.length);
    expect('answers', u.counts.answers, ownA.length);
    expect('comments', u.counts.comments, own(posts.filter((p) => p.kind === 'comment')).length);
    expect('questionVoteScore', u.counts.questionVoteScore, ownQ.reduce((s, q) => s + postVoteScore('question', q.votes), 0));
    expect('answerVoteScore', u.counts.answerVoteScore, ownA.reduce((s, a) => s + postVoteScore('answer', a.votes), 0));
    expect('upvotesReceived', u.counts.upvotesReceived, [...ownQ, ...ownA].reduce((s, p) => s + p.votes.up, 0));
    expect('downvotesReceived', u.counts.downvotesReceived, [...ownQ, ...ownA].reduce((s, p) => s + p.votes.down, 0));
    const selectedOfOthers = ownA.filter((a) => a.selected && questions.find((q) => q._id === a.questionId)?.author.id !== u._id);
    expect('selectedAnswers', u.counts.selectedAnswers, selectedOfOthers.length);
    const selectionsMade = ownQ.filter((q) => {
      const a = q.selectedAnswerId ? docs.get('posts', q.selectedAnswerId) : null;
      return a !== null && a.author.id !== null && a.author.id !== u._id;
    });
    expect('selectionsMade', u.counts.selectionsMade, selectionsMade.length);
    const ledger = [...docs.collections.ledger.values()].filter((l) => l.userId === u._id);
    expect('ledger sum', ledger.reduce((s, l) => s + l.delta, 0), u.points);
  }
  for (const q of questions) {
    const visibleAnswers = posts.filter((p) => p.kind === 'answer' && p.questionId === q._id && !p.hidden);
    if (visibleAnswers.length !== q.answerCount) problems.push(`${q._id} answerCount ${q.answerCount} != ${visibleAnswers.length}`);
  }
  for (const c of docs.collections.categories.values()) {
    const count = questions.filter((q) => !q.hidden && q.categoryPath.includes(c._id)).length;
    if (count !== c.questionCount) problems.push(`category ${c._id} questionCount ${c.questionCount} != ${count}`);
  }
  const expectedCounts = new Map<string, number>();
  for (const q of questions) for (const key of listCountKeys(q)) expectedCounts.set(key, (expectedCounts.get(key) ?? 0) + 1);
  for (const [key, doc] of docs.collections.listCounts) {
    if ((expectedCounts.get(key) ?? 0) !== doc.count) problems.push(`listCounts ${key} ${doc.count} != ${expectedCounts.get(key) ?? 0}`);
  }
  for (const [key, count] of expectedCounts) {
    if (!docs.collections.listCounts.has(key)) problems.push(`listCounts ${key} missing (${count})`);
  }
  return problems;
}
