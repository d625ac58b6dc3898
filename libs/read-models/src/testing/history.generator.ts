/**
 * A seeded generator of coherent random histories: users, a category tree, questions,
 * answers, comments, votes (cast, changed, withdrawn), edits, selections, closing and hiding,
 * in an order the deciders could have produced. The same seed gives the same history, so a
 * replay, a live run and a run killed at random points can be compared document for document.
 */
import type { Author, DomainEvent, Id, QuestionCategoryRef, VoteValue } from '@qa/domain';
import { seededRandom } from '../../../common/src/testing/seeded-random';

export interface GeneratedEvent {
  stream: string;
  type: DomainEvent['type'];
  data: DomainEvent['data'];
}

interface Q {
  id: Id;
  author: Id | null;
  answers: { id: Id; author: Id | null }[];
  selected: { id: Id; author: Id | null } | null;
  closed: boolean;
  hidden: boolean;
  category: QuestionCategoryRef | null;
}

export function generateHistory(seed: number, count: number, start = Date.UTC(2024, 0, 1)): GeneratedEvent[] {
  const out: GeneratedEvent[] = [];
  for (const event of historyStream(seed, start)) {
    if (out.length >= count) break;
    out.push(event);
  }
  return out;
}

/** The same history as an endless stream, for histories too long to hold in memory. */
export function* historyStream(seed: number, start = Date.UTC(2024, 0, 1)): Generator<GeneratedEvent> {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const out: GeneratedEvent[] = [];
  let clock = start;
  const at = () => new Date((clock += 1000 + Math.floor(rnd() * 60_000))).toISOString();
  let seq = 0;
  const id = (prefix: string) => `${prefix}${(seq++).toString(36)}`;

  const users: { id: Id; name: string }[] = [];
  const categories: { id: Id; path: Id[] }[] = [];
  const questions: Q[] = [];
  const comments: { id: Id; questionId: Id; parent: { type: 'question' | 'answer'; id: Id } }[] = [];
  const votes = new Map<string, VoteValue>();
  const emit = (stream: string, type: DomainEvent['type'], data: DomainEvent['data']) => out.push({ stream, type, data });
  const someAuthor = (): Author => {
    if (users.length === 0 || rnd() < 0.1) return { kind: 'anonymous', name: rnd() < 0.5 ? null : 'Guest', ipHash: 'h' };
    const u = pick(users);
    return { kind: 'user', userId: u.id, username: u.name };
  };
  const uid = (a: Author) => (a.kind === 'user' ? a.userId : null);

  const register = () => {
    const userId = id('u');
    const name = `User_${userId}`;
    users.push({ id: userId, name });
    emit(`user-${userId}`, 'UserRegistered', {
      userId, username: name, email: { subject: userId, data: 'x' }, emailHash: `e${userId}`, passwordHash: 'p', level: users.length === 1 ? 120 : 0, registeredAt: at(),
    });
  };
  const category = () => {
    const parent = categories.length > 0 && rnd() < 0.6 ? pick(categories) : null;
    if (parent && parent.path.length >= 4) return;
    const categoryId = id('c');
    const path = [...(parent?.path ?? []), categoryId];
    categories.push({ id: categoryId, path });
    emit(`category-${categoryId}`, 'CategoryCreated', {
      categoryId, name: `Category ${categoryId}`, slug: `cat-${categoryId}`, description: '', parentId: parent?.id ?? null, path, createdBy: users[0]?.id ?? 'admin', at: at(),
    });
  };
  const tags = () => Array.from({ length: Math.floor(rnd() * 4) }, () => pick(['sql', 'js', 'ts', 'node', 'mongo', 'c++', 'c#']))
    .filter((t, i, all) => all.indexOf(t) === i);

  for (let i = 0; ; i += 1) {
    yield* out.splice(0);
    const r = rnd();
    if (users.length < 3 || r < 0.05) { register(); continue; }
    if (categories.length < 3 || r < 0.06) { category(); continue; }
    if (questions.length < 2 || r < 0.2) {
      const author = someAuthor();
      const c = rnd() < 0.8 ? pick(categories) : null;
      const q: Q = { id: id('q'), author: uid(author), answers: [], selected: null, closed: false, hidden: false, category: c ? { categoryId: c.id, path: c.path } : null };
      questions.push(q);
      emit(`question-${q.id}`, 'QuestionAsked', { questionId: q.id, title: `Question ${q.id} asked in a history`, body: `Body *${q.id}*`, category: q.category, tags: tags(), author, notify: { notify: true, email: null }, at: at() });
      continue;
    }
    const q = pick(questions);
    if (r < 0.4) {
      if (q.closed || q.hidden) continue;
      const author = someAuthor();
      const a = { id: id('a'), author: uid(author) };
      q.answers.push(a);
      emit(`answer-${a.id}`, 'AnswerPosted', { answerId: a.id, questionId: q.id, questionAuthorId: q.author, body: `Answer ${a.id}`, author, notify: { notify: true, email: null }, at: at() });
    } else if (r < 0.5) {
      const onAnswer = q.answers.length > 0 && rnd() < 0.5;
      const parent = onAnswer ? { type: 'answer' as const, id: pick(q.answers).id } : { type: 'question' as const, id: q.id };
      const c = { id: id('m'), questionId: q.id, parent };
      comments.push(c);
      emit(`comment-${c.id}`, 'CommentPosted', { commentId: c.id, questionId: q.id, parent: { ...parent, authorId: null }, body: `Comment ${c.id}`, author: someAuthor(), notify: { notify: false, email: null }, at: at() });
    } else if (r < 0.82) {
      const onAnswer = q.answers.length > 0 && rnd() < 0.6;
      const post = onAnswer ? { ...pick(q.answers), type: 'answer' as const } : { id: q.id, author: q.author, type: 'question' as const };
      const voter = pick(users).id;
      if (voter === post.author || q.hidden) continue;
      const key = `${post.id}_${voter}`;
      const previous = votes.get(key) ?? 0;
      const value = pick([1, 1, 1, -1, 0].filter((v) => v !== previous)) as VoteValue;
      votes.set(key, value);
      emit(`vote-${key}`, 'VoteCast', { postId: post.id, postType: post.type, questionId: q.id, postAuthorId: post.author, voterId: voter, value, previousValue: previous, at: at() });
    } else if (r < 0.87) {
      const editor = someAuthor();
      const kind = rnd();
      if (kind < 0.5) {
        const c = rnd() < 0.3 ? pick(categories) : null;
        const changes = c ? { body: `Edited ${i}`, category: { categoryId: c.id, path: c.path } } : { title: `Edited title number ${i}`, tags: tags() };
        if (c) q.category = changes.category!;
        emit(`question-${q.id}`, 'QuestionEdited', { questionId: q.id, changes, previous: {}, reason: rnd() < 0.5 ? null : 'better', editedBy: editor, at: at() });
      } else if (kind < 0.8 && q.answers.length > 0) {
        const a = pick(q.answers);
        emit(`answer-${a.id}`, 'AnswerEdited', { answerId: a.id, questionId: q.id, body: `Answer edited ${i}`, previousBody: '', reason: null, editedBy: editor, at: at() });
      } else if (comments.length > 0) {
        const c = pick(comments);
        emit(`comment-${c.id}`, 'CommentEdited', { commentId: c.id, questionId: c.questionId, parent: c.parent, body: `Comment edited ${i}`, previousBody: '', reason: null, editedBy: editor, at: at() });
      }
    } else if (r < 0.93) {
      if (q.answers.length === 0) continue;
      if (q.selected && rnd() < 0.25) {
        emit(`question-${q.id}`, 'AnswerSelectionCleared', { questionId: q.id, questionAuthorId: q.author, answerId: q.selected.id, answerAuthorId: q.selected.author, by: q.author ?? users[0].id, at: at() });
        q.selected = null;
      } else {
        const a = pick(q.answers);
        if (q.selected?.id === a.id) continue;
        emit(`question-${q.id}`, 'AnswerSelected', {
          questionId: q.id, questionAuthorId: q.author, answerId: a.id, answerAuthorId: a.author,
          previous: q.selected ? { answerId: q.selected.id, answerAuthorId: q.selected.author } : null, by: q.author ?? users[0].id, at: at(),
        });
        q.selected = a;
      }
    } else if (r < 0.96) {
      q.closed = !q.closed;
      emit(`question-${q.id}`, q.closed ? 'QuestionClosed' : 'QuestionReopened', q.closed
        ? { questionId: q.id, reason: 'off topic', by: users[0].id, at: at() }
        : { questionId: q.id, by: users[0].id, at: at() });
    } else if (r < 0.98) {
      const onAnswer = q.answers.length > 0 && rnd() < 0.5;
      if (onAnswer) {
        const a = pick(q.answers);
        emit(`answer-${a.id}`, rnd() < 0.5 ? 'PostHidden' : 'PostShown', { postId: a.id, postType: 'answer', questionId: q.id, by: users[0].id, at: at() });
      } else {
        q.hidden = !q.hidden;
        emit(`question-${q.id}`, q.hidden ? 'PostHidden' : 'PostShown', { postId: q.id, postType: 'question', questionId: q.id, by: users[0].id, at: at() });
      }
    } else {
      const u = pick(users);
      emit(`user-${u.id}`, 'UserLevelChanged', { userId: u.id, level: pick([0, 10, 20, 50]) as 0, previousLevel: 0, changedBy: users[0].id, at: at() });
    }
  }
}
