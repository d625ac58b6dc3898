import { Actor } from '../shared/actor';
import { specFor } from '../shared/decider-spec';
import {
  alice,
  anon,
  anonAuthorOf,
  authorOf,
  bob,
  editor,
  expert,
  moderator,
  nameless,
  sealedAnonEmail,
  T0,
  T1,
} from '../shared/domain.fixtures';
import { AnswerPosted } from '../shared/events';
import { QuestionLookup } from '../shared/lookups';
import { visibilityFixtures } from '../shared/post.fixtures';
import { EditAnswer, PostAnswer } from './answer.commands';
import { answerDecider, answerLookup, answerPostLookup, foldAnswer } from './answer.decider';

const given = specFor(answerDecider);

const AID = 'a1';
const QID = 'q1';
const BODY = 'Fold the events with reduce.';

const question = (over: Partial<QuestionLookup> = {}): QuestionLookup => ({
  id: QID,
  exists: true,
  authorId: alice.userId,
  closed: false,
  hidden: false,
  ...over,
});

const post = (data: Partial<PostAnswer['data']> = {}): PostAnswer => ({
  type: 'PostAnswer',
  data: { answerId: AID, question: question(), body: BODY, actor: bob, at: T0, ...data },
});

const posted = (data: Partial<AnswerPosted['data']> = {}): AnswerPosted => ({
  type: 'AnswerPosted',
  data: {
    answerId: AID,
    questionId: QID,
    questionAuthorId: alice.userId,
    body: BODY,
    author: authorOf(bob),
    notify: { notify: true, email: null },
    at: T0,
    ...data,
  },
});

const anonPosted = posted({
  author: anonAuthorOf(anon),
  notify: { notify: true, email: sealedAnonEmail },
});

const edit = (
  body: string,
  actor: Actor = bob,
  extra: Partial<EditAnswer['data']> = {},
): EditAnswer => ({
  type: 'EditAnswer',
  data: { answerId: AID, body, actor, at: T1, ...extra },
});

const { hide, show, hidden, shown } = visibilityFixtures(
  { postId: AID, postType: 'answer', questionId: QID },
  { hide: 'HideAnswer', show: 'ShowAnswer', ids: { answerId: AID } },
);

describe('answer decider', () => {
  describe('PostAnswer', () => {
    it("records the answer with its question and the question's author", () => {
      given([])
        .when(post({ body: `\r\n${BODY}\r\n` }))
        .then([posted()]);
    });

    it('records an anonymous answer with name and sealed email', () => {
      given([])
        .when(post({ actor: anon, email: sealedAnonEmail }))
        .then([anonPosted]);
      given([])
        .when(post({ actor: nameless }))
        .then([posted({ author: anonAuthorOf(nameless) })]);
    });

    it('keeps notify off when asked', () => {
      given([])
        .when(post({ notify: false }))
        .then([posted({ notify: { notify: false, email: null } })]);
    });

    it('carries a null question author for anonymous questions', () => {
      given([])
        .when(post({ question: question({ authorId: null }) }))
        .then([posted({ questionAuthorId: null })]);
    });

    it("lets the question's author answer their own question", () => {
      given([])
        .when(post({ actor: alice }))
        .then([posted({ author: authorOf(alice) })]);
    });

    it('refuses a missing, hidden or closed question', () => {
      given([])
        .when(post({ question: question({ exists: false }) }))
        .then('QUESTION_NOT_FOUND');
      given([])
        .when(post({ question: question({ hidden: true }) }))
        .then('QUESTION_HIDDEN');
      given([])
        .when(post({ question: question({ closed: true }) }))
        .then('QUESTION_CLOSED');
    });

    it('refuses an empty or over-long body and a bad name, together', () => {
      given([])
        .when(post({ body: ' \n ', actor: { ...anon, name: 'Bad\u202Ename' } }))
        .thenFailsOn(['body', 'name']);
      given([])
        .when(post({ body: 'b'.repeat(12_001) }))
        .thenFailsOn(['body']);
    });

    it('refuses an email from a registered user', () => {
      given([])
        .when(post({ email: sealedAnonEmail }))
        .thenFailsOn(['email']);
    });

    it('refuses a second answer on the same id', () => {
      given([posted()]).when(post()).then('ALREADY_EXISTS');
    });
  });

  describe('EditAnswer', () => {
    it('records the new body and the previous one', () => {
      given([posted()])
        .when(edit('Use reduce over the events.', bob, { reason: 'typo' }))
        .then([
          {
            type: 'AnswerEdited',
            data: {
              answerId: AID,
              questionId: QID,
              body: 'Use reduce over the events.',
              previousBody: BODY,
              reason: 'typo',
              editedBy: authorOf(bob),
              at: T1,
            },
          },
        ]);
    });

    it('decides nothing when the body does not change', () => {
      given([posted()])
        .when(edit(` ${BODY} `))
        .then([]);
    });

    it('lets editors and above edit any answer, not others', () => {
      expect(given([posted()]).when(edit('By staff.', editor)).events()).toHaveLength(1);
      expect(given([posted()]).when(edit('By staff.', moderator)).events()).toHaveLength(1);
      given([posted()]).when(edit('Not mine', alice)).then('FORBIDDEN');
      given([posted()]).when(edit('Not mine', expert)).then('FORBIDDEN');
      given([anonPosted]).when(edit('Mine?', anon)).then('UNAUTHENTICATED');
    });

    it('refuses edits of a hidden answer and of a missing one', () => {
      given([posted(), hidden]).when(edit('x', editor)).then('ANSWER_HIDDEN');
      given([]).when(edit('x')).then('ANSWER_NOT_FOUND');
    });

    it('validates body, reason and restored revision', () => {
      given([posted()])
        .when(edit('', bob, { reason: 'r'.repeat(301), restoredRevision: 0 }))
        .thenFailsOn(['body', 'reason', 'restoredRevision']);
    });

    it('records a restore of an earlier revision', () => {
      const v2 = given([posted()]).when(edit('Second.')).events();
      const [restore] = given([posted(), ...v2])
        .when(edit(BODY, bob, { restoredRevision: 1 }))
        .events();
      expect(restore).toMatchObject({
        data: { body: BODY, previousBody: 'Second.', restoredRevision: 1 },
      });
    });
  });

  describe('HideAnswer and ShowAnswer', () => {
    it('lets an editor hide and show', () => {
      given([posted()]).when(hide()).then([hidden]);
      given([posted(), hidden]).when(show()).then([shown]);
    });

    it('decides nothing when already in that state', () => {
      given([posted(), hidden]).when(hide()).then([]);
      given([posted()]).when(show()).then([]);
    });

    it('refuses the author, users below editor and anonymous users', () => {
      given([posted()]).when(hide(bob)).then('FORBIDDEN');
      given([posted()]).when(hide(anon)).then('UNAUTHENTICATED');
      given([]).when(hide()).then('ANSWER_NOT_FOUND');
    });
  });

  describe('state', () => {
    it('answers author, body, revision and hidden', () => {
      const v2 = given([posted()]).when(edit('Second.')).events();
      const state = foldAnswer([posted(), ...v2, hidden]);
      expect(state).toMatchObject({
        exists: true,
        authorId: bob.userId,
        questionId: QID,
        body: 'Second.',
        revision: 2,
        hidden: true,
        lastEdit: { by: authorOf(bob), at: T1, reason: null },
      });
      expect(answerLookup(AID, state)).toEqual({
        id: AID,
        exists: true,
        questionId: QID,
        authorId: bob.userId,
        hidden: true,
      });
      expect(answerPostLookup(AID, state, question({ closed: true }))).toEqual({
        type: 'answer',
        id: AID,
        exists: true,
        questionId: QID,
        authorId: bob.userId,
        hidden: true,
        questionHidden: false,
        questionClosed: true,
      });
      expect(foldAnswer([anonPosted]).authorId).toBeNull();
    });
  });
});
