/**
 * A seeded Q&A site question by question, for the read benchmark: every question's events
 * (asked, answers, comments, votes, edits, a selection) come together, so the documents of a
 * finished question can be written out and dropped from memory while the site grows.
 */
import type { Author, Id, VoteValue } from '@qa/domain';
import { seededRandom } from '../../../common/src/testing/seeded-random';
import type { GeneratedEvent } from './history.generator';

export interface SiteShape {
  users: number;
  questions: number;
}

export function* siteStream(seed: number, shape: SiteShape): Generator<GeneratedEvent[]> {
  const rnd = seededRandom(seed);
  const int = (max: number) => Math.floor(rnd() * max);
  let clock = Date.UTC(2020, 0, 1);
  const at = () => new Date((clock += 1000 + int(120_000))).toISOString();
  const users: { id: Id; name: string }[] = [];
  const setup: GeneratedEvent[] = [];
  for (let i = 0; i < shape.users; i += 1) {
    const userId = `u${i.toString(36)}`;
    users.push({ id: userId, name: `user_${i}` });
    setup.push({ stream: `user-${userId}`, type: 'UserRegistered', data: { userId, username: `user_${i}`, email: { subject: userId, data: 'x' }, emailHash: `e${userId}`, passwordHash: 'p', level: 0, registeredAt: at() } });
  }
  const categories: { id: Id; path: Id[] }[] = [];
  for (let i = 0; i < 30; i += 1) {
    const parent = i >= 6 ? categories[int(Math.min(i, 12))] : null;
    const categoryId = `c${i}`;
    const path = [...(parent?.path ?? []), categoryId];
    categories.push({ id: categoryId, path });
    setup.push({ stream: `category-${categoryId}`, type: 'CategoryCreated', data: { categoryId, name: `Category ${i}`, slug: `category-${i}`, description: '', parentId: parent?.id ?? null, path, createdBy: users[0].id, at: at() } });
  }
  yield setup;

  const TAGS = ['sql', 'js', 'ts', 'node', 'mongo', 'c++', 'c#', 'rust', 'go', 'python', 'java', 'css'];
  const author = (): Author => {
    if (rnd() < 0.1) return { kind: 'anonymous', name: rnd() < 0.5 ? null : 'Guest', ipHash: 'h' };
    const u = users[int(users.length)];
    return { kind: 'user', userId: u.id, username: u.name };
  };
  const uid = (a: Author) => (a.kind === 'user' ? a.userId : null);
  const text = (n: number) => Array.from({ length: n }, () => ['the', 'index', 'query', '**fast**', 'page', 'vote', 'answer', '`code`'][int(8)]).join(' ');

  for (let q = 0; q < shape.questions; q += 1) {
    const events: GeneratedEvent[] = [];
    const questionId = `q${q.toString(36)}`;
    const asker = author();
    const c = categories[int(categories.length)];
    const tags = [...new Set(Array.from({ length: int(4) }, () => TAGS[int(TAGS.length)]))];
    events.push({ stream: `question-${questionId}`, type: 'QuestionAsked', data: { questionId, title: `How do I ${text(6)} (${q})?`, body: text(40), category: { categoryId: c.id, path: c.path }, tags, author: asker, notify: { notify: true, email: null }, at: at() } });
    const posts: { id: Id; type: 'question' | 'answer'; author: Id | null }[] = [{ id: questionId, type: 'question', author: uid(asker) }];
    const answers = int(5);
    for (let a = 0; a < answers; a += 1) {
      const answerId = `a${q.toString(36)}x${a}`;
      const who = author();
      posts.push({ id: answerId, type: 'answer', author: uid(who) });
      events.push({ stream: `answer-${answerId}`, type: 'AnswerPosted', data: { answerId, questionId, questionAuthorId: uid(asker), body: text(30), author: who, notify: { notify: true, email: null }, at: at() } });
    }
    for (let m = int(4); m > 0; m -= 1) {
      const commentId = `m${q.toString(36)}x${m}`;
      const on = posts[int(posts.length)];
      events.push({ stream: `comment-${commentId}`, type: 'CommentPosted', data: { commentId, questionId, parent: { type: on.type, id: on.id, authorId: on.author }, body: text(12), author: author(), notify: { notify: false, email: null }, at: at() } });
    }
    for (const post of posts) {
      const voters = new Set<Id>();
      for (let v = int(post.type === 'question' ? 9 : 6); v > 0; v -= 1) {
        const voter = users[int(users.length)].id;
        if (voter === post.author || voters.has(voter)) continue;
        voters.add(voter);
        const value: VoteValue = rnd() < 0.8 ? 1 : -1;
        events.push({ stream: `vote-${post.id}_${voter}`, type: 'VoteCast', data: { postId: post.id, postType: post.type, questionId, postAuthorId: post.author, voterId: voter, value, previousValue: 0, at: at() } });
      }
    }
    if (answers > 0 && rnd() < 0.3) {
      const chosen = posts[1 + int(answers)];
      events.push({ stream: `question-${questionId}`, type: 'AnswerSelected', data: { questionId, questionAuthorId: uid(asker), answerId: chosen.id, answerAuthorId: chosen.author, previous: null, by: uid(asker) ?? users[0].id, at: at() } });
    }
    if (rnd() < 0.1) {
      events.push({ stream: `question-${questionId}`, type: 'QuestionEdited', data: { questionId, changes: { body: text(45) }, previous: {}, reason: 'detail', editedBy: asker, at: at() } });
    }
    yield events;
  }
}
