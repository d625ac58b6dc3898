import type { Author, NotifyPreference, Sealed } from '@qa/domain';
import {
  answerPostedTargets,
  answerSelectedTargets,
  commentPostedTargets,
  finalRecipients,
  questionAskedTargets,
} from './recipients.rules';
import type { PostAuthorship, Target } from './recipients.rules';

const sealed = (subject: string): Sealed => ({ subject, data: `sealed-${subject}` });
const user = (userId: string): Author => ({ kind: 'user', userId, username: userId });
const anon = (name: string | null = null): Author => ({ kind: 'anonymous', name, ipHash: null });
const on: NotifyPreference = { notify: true, email: null };
const off: NotifyPreference = { notify: false, email: null };
const anonOn = (subject: string): NotifyPreference => ({ notify: true, email: sealed(subject) });
const post = (author: Author, notify: NotifyPreference): PostAuthorship => ({ author, notify });

const answer = (author: Author) => ({
  answerId: 'a1',
  questionId: 'q1',
  questionAuthorId: 'asker',
  body: 'Try turning it off and on again.',
  author,
  notify: on,
  at: '2026-01-01T00:00:00.000Z',
});

const comment = (author: Author, parent: 'question' | 'answer' = 'answer') => ({
  commentId: 'c9',
  questionId: 'q1',
  parent: { type: parent, id: parent === 'question' ? 'q1' : 'a1', authorId: 'owner' },
  body: 'Thanks!',
  author,
  notify: on,
  at: '2026-01-01T00:00:00.000Z',
});

const selection = (by: string, answerAuthorId: string | null = 'answerer') => ({
  questionId: 'q1',
  questionAuthorId: 'asker',
  answerId: 'a1',
  answerAuthorId,
  previous: null,
  by,
  at: '2026-01-01T00:00:00.000Z',
});

const asked = (author: Author) => ({
  questionId: 'q1',
  title: 'How do I reset my router?',
  body: 'It blinks.',
  category: null,
  tags: [],
  author,
  notify: on,
  at: '2026-01-01T00:00:00.000Z',
});

const parties = (targets: Target[]) =>
  targets.map((t) => (t.party.kind === 'user' ? t.party.userId : t.party.email.subject));

describe('recipients: answer posted', () => {
  it('tells the question author who asked to be notified', () => {
    const targets = answerPostedTargets(answer(user('answerer')), post(user('asker'), on));
    expect(targets).toEqual([
      { party: { kind: 'user', userId: 'asker' }, reason: 'answer-on-your-question' },
    ]);
  });

  it('does not tell a question author who did not ask to be notified', () => {
    expect(answerPostedTargets(answer(user('answerer')), post(user('asker'), off))).toEqual([]);
  });

  it('does not tell the asker about their own answer', () => {
    expect(answerPostedTargets(answer(user('asker')), post(user('asker'), on))).toEqual([]);
  });

  it('tells an anonymous asker at the email they gave', () => {
    const targets = answerPostedTargets(
      answer(user('answerer')),
      post(anon('Ann'), anonOn('anonA')),
    );
    expect(targets).toEqual([
      { party: { kind: 'email', email: sealed('anonA') }, reason: 'answer-on-your-question' },
    ]);
  });

  it('does not tell an anonymous asker who gave no email', () => {
    const targets = answerPostedTargets(answer(user('answerer')), post(anon(), on));
    expect(targets).toEqual([]);
  });

  it('does not tell an anonymous asker who gave an email but did not tick notify', () => {
    const pref = { notify: false, email: sealed('anonA') };
    expect(answerPostedTargets(answer(user('answerer')), post(anon(), pref))).toEqual([]);
  });
});

describe('recipients: comment posted', () => {
  it('tells the author of the post commented on', () => {
    const targets = commentPostedTargets(comment(user('c')), post(user('owner'), on), []);
    expect(targets).toEqual([
      { party: { kind: 'user', userId: 'owner' }, reason: 'comment-on-your-post' },
    ]);
  });

  it('tells the question author when the comment is on the question', () => {
    const targets = commentPostedTargets(
      comment(user('c'), 'question'),
      post(user('asker'), on),
      [],
    );
    expect(parties(targets)).toEqual(['asker']);
  });

  it('tells every earlier commenter in the thread who asked to be notified', () => {
    const earlier = [post(user('e1'), on), post(user('e2'), off), post(anon(), anonOn('anonE3'))];
    const targets = commentPostedTargets(comment(user('c')), post(user('owner'), on), earlier);
    expect(parties(targets)).toEqual(['owner', 'e1', 'anonE3']);
    expect(targets.map((t) => t.reason)).toEqual([
      'comment-on-your-post',
      'comment-in-your-thread',
      'comment-in-your-thread',
    ]);
  });

  it('does not tell a post author who did not ask to be notified', () => {
    const targets = commentPostedTargets(comment(user('c')), post(user('owner'), off), [
      post(user('e1'), on),
    ]);
    expect(parties(targets)).toEqual(['e1']);
  });

  it('never tells the commenter, as post author or as earlier commenter', () => {
    const targets = commentPostedTargets(comment(user('c')), post(user('c'), on), [
      post(user('c'), on),
      post(user('e1'), on),
    ]);
    expect(parties(targets)).toEqual(['e1']);
  });

  it('lists a user once even when they commented several times and wrote the post', () => {
    const targets = commentPostedTargets(comment(user('c')), post(user('owner'), on), [
      post(user('owner'), on),
      post(user('e1'), on),
      post(user('e1'), on),
    ]);
    expect(parties(targets)).toEqual(['owner', 'e1']);
    expect(targets[0].reason).toBe('comment-on-your-post');
  });
});

describe('recipients: answer selected', () => {
  it("tells the answer's author", () => {
    const targets = answerSelectedTargets(selection('asker'), post(user('answerer'), on));
    expect(targets).toEqual([
      { party: { kind: 'user', userId: 'answerer' }, reason: 'your-answer-selected' },
    ]);
  });

  it('does not tell an author who selected their own answer', () => {
    expect(answerSelectedTargets(selection('answerer'), post(user('answerer'), on))).toEqual([]);
  });

  it('tells an anonymous answerer at the email they gave', () => {
    const targets = answerSelectedTargets(selection('asker', null), post(anon(), anonOn('anonB')));
    expect(parties(targets)).toEqual(['anonB']);
  });

  it('respects the notify flag of the answer', () => {
    expect(answerSelectedTargets(selection('asker'), post(user('answerer'), off))).toEqual([]);
  });
});

describe('recipients: question posted', () => {
  it('tells the admins when the option is on', () => {
    const targets = questionAskedTargets(asked(user('u1')), ['admin1', 'admin2'], true);
    expect(parties(targets)).toEqual(['admin1', 'admin2']);
    expect(targets.every((t) => t.reason === 'question-posted')).toBe(true);
  });

  it('tells nobody when the option is off', () => {
    expect(questionAskedTargets(asked(user('u1')), ['admin1'], false)).toEqual([]);
  });

  it('does not tell an admin about their own question', () => {
    expect(
      parties(questionAskedTargets(asked(user('admin1')), ['admin1', 'admin2'], true)),
    ).toEqual(['admin2']);
  });

  it('tells the admins about anonymous questions too', () => {
    expect(parties(questionAskedTargets(asked(anon()), ['admin1'], true))).toEqual(['admin1']);
  });
});

describe('recipients: addresses', () => {
  const t = (userId: string): Target => ({
    party: { kind: 'user', userId },
    reason: 'comment-in-your-thread',
  });

  it('sends one email per address, compared case-insensitively', () => {
    const out = finalRecipients(
      [
        { target: t('a'), address: 'Jane@Example.com' },
        { target: t('b'), address: 'jane@example.com' },
        { target: t('c'), address: 'joe@example.com' },
      ],
      null,
    );
    expect(out.map((r) => r.address)).toEqual(['Jane@Example.com', 'joe@example.com']);
  });

  it("never sends to the actor's own address (an anonymous actor who gave an email)", () => {
    const out = finalRecipients(
      [
        { target: t('a'), address: 'anon@example.com' },
        { target: t('b'), address: 'joe@example.com' },
      ],
      'ANON@example.com',
    );
    expect(out.map((r) => r.address)).toEqual(['joe@example.com']);
  });

  it('skips parties whose address cannot be read (erased or unknown)', () => {
    const out = finalRecipients([{ target: t('a'), address: null }], null);
    expect(out).toEqual([]);
  });
});
