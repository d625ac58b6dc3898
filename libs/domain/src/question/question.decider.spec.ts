import { Actor } from '../shared/actor';
import { specFor } from '../shared/decider-spec';
import {
  admin,
  alice,
  anon,
  anonAuthorOf,
  authorOf,
  bob,
  carol,
  editor,
  expert,
  nameless,
  sealedAnonEmail,
  T0,
  T1,
  T2,
} from '../shared/domain.fixtures';
import { QuestionAsked } from '../shared/events';
import { AnswerLookup, CategoryLookup } from '../shared/lookups';
import { visibilityFixtures } from '../shared/post.fixtures';
import {
  AskQuestion,
  CloseQuestion,
  EditQuestion,
  QuestionChanges,
  SelectAnswer,
} from './question.commands';
import {
  foldQuestion,
  questionDecider,
  QuestionEvent,
  questionLookup,
  questionPostLookup,
} from './question.decider';

const given = specFor(questionDecider);

const QID = 'q1';
const TITLE = 'How do I fold an event stream?';
const BODY = 'I have **events** and want state.';
const cat: CategoryLookup = { id: 'c2', exists: true, path: ['c1', 'c2'] };
const otherCat: CategoryLookup = { id: 'c3', exists: true, path: ['c3'] };

const ask = (data: Partial<AskQuestion['data']> = {}): AskQuestion => ({
  type: 'AskQuestion',
  data: {
    questionId: QID,
    title: TITLE,
    body: BODY,
    tags: ['typescript', 'events'],
    category: cat,
    actor: alice,
    at: T0,
    ...data,
  },
});

const asked = (data: Partial<QuestionAsked['data']> = {}): QuestionAsked => ({
  type: 'QuestionAsked',
  data: {
    questionId: QID,
    title: TITLE,
    body: BODY,
    category: { categoryId: 'c2', path: ['c1', 'c2'] },
    tags: ['typescript', 'events'],
    author: authorOf(alice),
    notify: { notify: true, email: null },
    at: T0,
    ...data,
  },
});

const anonAsked = asked({
  author: anonAuthorOf(anon),
  notify: { notify: true, email: sealedAnonEmail },
});

const edit = (
  changes: QuestionChanges,
  actor: Actor = alice,
  extra: Partial<EditQuestion['data']> = {},
): EditQuestion => ({
  type: 'EditQuestion',
  data: { questionId: QID, changes, actor, at: T1, ...extra },
});

const close = (actor: Actor = alice, reason = 'Answered elsewhere'): CloseQuestion => ({
  type: 'CloseQuestion',
  data: { questionId: QID, reason, actor, at: T1 },
});
const closed: QuestionEvent = {
  type: 'QuestionClosed',
  data: { questionId: QID, reason: 'Answered elsewhere', by: alice.userId, at: T1 },
};
const reopen = (actor: Actor = alice) =>
  ({ type: 'ReopenQuestion', data: { questionId: QID, actor, at: T2 } }) as const;

const answer = (id: string, over: Partial<AnswerLookup> = {}): AnswerLookup => ({
  id,
  exists: true,
  questionId: QID,
  authorId: bob.userId,
  hidden: false,
  ...over,
});
const select = (
  answerId: string | null,
  actor: Actor = alice,
  over: Partial<AnswerLookup> = {},
): SelectAnswer => ({
  type: 'SelectAnswer',
  data: {
    questionId: QID,
    answerId,
    answer: answerId === null ? null : answer(answerId, over),
    actor,
    at: T1,
  },
});
const selected = (answerId: string, previous: string | null = null): QuestionEvent => ({
  type: 'AnswerSelected',
  data: {
    questionId: QID,
    questionAuthorId: alice.userId,
    answerId,
    answerAuthorId: bob.userId,
    previous: previous ? { answerId: previous, answerAuthorId: bob.userId } : null,
    by: alice.userId,
    at: T1,
  },
});
const { hide, show, hidden, shown } = visibilityFixtures(
  { postId: QID, postType: 'question', questionId: QID },
  { hide: 'HideQuestion', show: 'ShowQuestion', ids: { questionId: QID } },
);

describe('question decider', () => {
  describe('AskQuestion', () => {
    it("records a registered user's question with normalised fields", () => {
      given([])
        .when(ask({ title: `  ${TITLE}  `, tags: ['TypeScript', 'events', 'typescript'] }))
        .then([asked()]);
    });

    it('defaults notify to true and keeps an explicit false', () => {
      given([])
        .when(ask({ notify: false }))
        .then([asked({ notify: { notify: false, email: null } })]);
    });

    it('records an anonymous question with its name and sealed email', () => {
      given([])
        .when(ask({ actor: anon, email: sealedAnonEmail }))
        .then([anonAsked]);
    });

    it('records an anonymous question without a name or email', () => {
      given([])
        .when(ask({ actor: nameless }))
        .then([asked({ author: anonAuthorOf(nameless) })]);
    });

    it('does not keep an anonymous email when the poster does not want notifications', () => {
      given([])
        .when(ask({ actor: anon, email: sealedAnonEmail, notify: false }))
        .then([
          asked({
            author: anonAuthorOf(anon),
            notify: { notify: false, email: null },
          }),
        ]);
    });

    it('treats a blank anonymous name as no name', () => {
      given([])
        .when(ask({ actor: { ...anon, name: '   ' } }))
        .then([asked({ author: { kind: 'anonymous', name: null, ipHash: 'iph1' } })]);
    });

    it('allows no category and no tags', () => {
      given([])
        .when(ask({ category: null, tags: undefined }))
        .then([asked({ category: null, tags: [] })]);
    });

    it('treats an absent category as none', () => {
      given([])
        .when(ask({ category: undefined as unknown as null }))
        .then([asked({ category: null })]);
    });

    it('refuses an unknown category', () => {
      given([])
        .when(ask({ category: { id: 'zz', exists: false, path: [] } }))
        .then('CATEGORY_NOT_FOUND');
    });

    it('lists every bad field at once', () => {
      given([])
        .when(
          ask({
            title: 'too short',
            body: '   ',
            tags: ['a', 'b', 'c', 'd', 'e', 'f'],
            actor: { ...anon, name: 'x'.repeat(41) },
          }),
        )
        .thenFailsOn(['title', 'body', 'tags', 'name']);
    });

    it('refuses an email from a registered user (they are notified at their account)', () => {
      given([])
        .when(ask({ email: sealedAnonEmail }))
        .thenFailsOn(['email']);
    });

    it('refuses a title over 120 characters and a body over 12,000', () => {
      given([])
        .when(ask({ title: 'x'.repeat(121), body: 'y'.repeat(12_001) }))
        .thenFailsOn(['title', 'body']);
    });

    it('refuses a second question on the same id', () => {
      given([asked()]).when(ask()).then('ALREADY_EXISTS');
    });
  });

  describe('EditQuestion', () => {
    it('records only the changed fields with their previous values', () => {
      given([asked()])
        .when(edit({ title: TITLE, body: 'A better body.' }, alice, { reason: 'clarity' }))
        .then([
          {
            type: 'QuestionEdited',
            data: {
              questionId: QID,
              changes: { body: 'A better body.' },
              previous: { body: BODY },
              reason: 'clarity',
              editedBy: authorOf(alice),
              at: T1,
            },
          },
        ]);
    });

    it('changes title, tags and category together', () => {
      given([asked()])
        .when(edit({ title: 'A much clearer title here', tags: ['Events'], category: otherCat }))
        .then([
          {
            type: 'QuestionEdited',
            data: {
              questionId: QID,
              changes: {
                title: 'A much clearer title here',
                tags: ['events'],
                category: { categoryId: 'c3', path: ['c3'] },
              },
              previous: {
                title: TITLE,
                tags: ['typescript', 'events'],
                category: { categoryId: 'c2', path: ['c1', 'c2'] },
              },
              reason: null,
              editedBy: authorOf(alice),
              at: T1,
            },
          },
        ]);
    });

    it('removes the category with null', () => {
      const [event] = given([asked()])
        .when(edit({ category: null }))
        .events();
      expect(event).toMatchObject({
        type: 'QuestionEdited',
        data: { changes: { category: null }, previous: { category: { categoryId: 'c2' } } },
      });
    });

    it('decides nothing when nothing changes (tags in another order are the same tags)', () => {
      given([asked()])
        .when(
          edit({ title: ` ${TITLE}`, body: BODY, tags: ['events', 'TYPESCRIPT'], category: cat }),
        )
        .then([]);
    });

    it("lets an editor edit someone else's question", () => {
      const [event] = given([asked()])
        .when(edit({ body: 'Edited by staff.' }, editor))
        .events();
      expect(event).toMatchObject({ data: { editedBy: authorOf(editor) } });
    });

    it('refuses other users below editor', () => {
      given([asked()])
        .when(edit({ body: 'Hijack' }, bob))
        .then('FORBIDDEN');
      given([asked()])
        .when(edit({ body: 'Hijack' }, expert))
        .then('FORBIDDEN');
    });

    it('refuses anonymous editors, even of anonymous questions', () => {
      given([anonAsked])
        .when(edit({ body: 'Mine?' }, anon))
        .then('UNAUTHENTICATED');
    });

    it('lets an editor edit an anonymous question', () => {
      expect(
        given([anonAsked])
          .when(edit({ body: 'Tidied.' }, editor))
          .events(),
      ).toHaveLength(1);
    });

    it('refuses edits of a hidden or closed question', () => {
      given([asked(), hidden])
        .when(edit({ body: 'x y z' }, editor))
        .then('QUESTION_HIDDEN');
      given([asked(), closed])
        .when(edit({ body: 'x y z' }))
        .then('QUESTION_CLOSED');
    });

    it('refuses a missing question', () => {
      given([])
        .when(edit({ body: 'x' }))
        .then('QUESTION_NOT_FOUND');
    });

    it('validates the changed fields and the reason', () => {
      given([asked()])
        .when(edit({ title: 'short', tags: ['bad tag'] }, alice, { reason: 'r'.repeat(301) }))
        .thenFailsOn(['title', 'tags', 'reason']);
    });

    it('refuses an unknown category', () => {
      given([asked()])
        .when(edit({ category: { id: 'zz', exists: false, path: [] } }))
        .then('CATEGORY_NOT_FOUND');
    });

    it('records a restore of an earlier revision', () => {
      const first = given([asked()])
        .when(edit({ body: 'Second version.' }))
        .events();
      const [restore] = given([asked(), ...first])
        .when(edit({ body: BODY }, alice, { restoredRevision: 1 }))
        .events();
      expect(restore).toMatchObject({
        type: 'QuestionEdited',
        data: {
          changes: { body: BODY },
          previous: { body: 'Second version.' },
          restoredRevision: 1,
        },
      });
    });

    it('refuses restoring a revision that does not exist', () => {
      given([asked()])
        .when(edit({ body: 'Other' }, alice, { restoredRevision: 2 }))
        .thenFailsOn(['restoredRevision']);
    });
  });

  describe('CloseQuestion and ReopenQuestion', () => {
    it('lets the author close and reopen', () => {
      given([asked()]).when(close()).then([closed]);
      given([asked(), closed])
        .when(reopen())
        .then([{ type: 'QuestionReopened', data: { questionId: QID, by: alice.userId, at: T2 } }]);
    });

    it("lets an editor close someone else's question", () => {
      given([asked()])
        .when(close(editor))
        .then([{ ...closed, data: { ...closed.data, by: editor.userId } } as QuestionEvent]);
    });

    it('refuses other users below editor, and anonymous users', () => {
      given([asked()]).when(close(expert)).then('FORBIDDEN');
      given([asked(), closed]).when(reopen(bob)).then('FORBIDDEN');
      given([anonAsked]).when(close(anon)).then('UNAUTHENTICATED');
    });

    it('refuses closing twice and reopening an open question', () => {
      given([asked(), closed]).when(close()).then('ALREADY_CLOSED');
      given([asked()]).when(reopen()).then('NOT_CLOSED');
    });

    it('needs a reason to close', () => {
      given([asked()]).when(close(alice, '  ')).thenFailsOn(['reason']);
    });

    it('refuses a missing question', () => {
      given([]).when(close()).then('QUESTION_NOT_FOUND');
    });
  });

  describe('SelectAnswer', () => {
    it('lets the author select an answer', () => {
      given([asked()])
        .when(select('a1'))
        .then([selected('a1')]);
    });

    it('changes the selection, naming the previous answer', () => {
      given([asked(), selected('a1')])
        .when(select('a2'))
        .then([selected('a2', 'a1')]);
    });

    it('decides nothing when the selected answer is selected again', () => {
      given([asked(), selected('a1')])
        .when(select('a1'))
        .then([]);
    });

    it('clears the selection', () => {
      given([asked(), selected('a1')])
        .when(select(null))
        .then([
          {
            type: 'AnswerSelectionCleared',
            data: {
              questionId: QID,
              questionAuthorId: alice.userId,
              answerId: 'a1',
              answerAuthorId: bob.userId,
              by: alice.userId,
              at: T1,
            },
          },
        ]);
    });

    it('decides nothing when clearing an empty selection', () => {
      given([asked()]).when(select(null)).then([]);
    });

    it('lets an expert select for someone else, but not an approved user', () => {
      const [event] = given([asked()]).when(select('a1', expert)).events();
      expect(event).toMatchObject({ type: 'AnswerSelected', data: { by: expert.userId } });
      given([asked()]).when(select('a1', carol)).then('FORBIDDEN');
      given([asked()]).when(select('a1', anon)).then('UNAUTHENTICATED');
    });

    it('lets the author select their own answer', () => {
      const [event] = given([asked()])
        .when(select('a1', alice, { authorId: alice.userId }))
        .events();
      expect(event).toMatchObject({ data: { answerAuthorId: alice.userId } });
    });

    it('allows selecting on a closed question', () => {
      expect(given([asked(), closed]).when(select('a1')).events()).toHaveLength(1);
    });

    it('refuses a missing, foreign or hidden answer and a hidden question', () => {
      given([asked()])
        .when(select('a1', alice, { exists: false }))
        .then('ANSWER_NOT_FOUND');
      given([asked()])
        .when(select('a1', alice, { questionId: 'q9' }))
        .then('ANSWER_NOT_ON_QUESTION');
      given([asked()])
        .when(select('a1', alice, { hidden: true }))
        .then('ANSWER_HIDDEN');
      given([asked(), hidden]).when(select('a1')).then('QUESTION_HIDDEN');
      given([]).when(select('a1')).then('QUESTION_NOT_FOUND');
    });

    it('refuses an answer lookup that is not the named answer', () => {
      given([asked()])
        .when({ ...select('a1'), data: { ...select('a1').data, answer: answer('a2') } })
        .then('ANSWER_NOT_FOUND');
    });
  });

  describe('HideQuestion and ShowQuestion', () => {
    it('lets an editor hide and show', () => {
      given([asked()]).when(hide()).then([hidden]);
      given([asked(), hidden]).when(show()).then([shown]);
    });

    it('decides nothing when already in that state', () => {
      given([asked(), hidden]).when(hide()).then([]);
      given([asked()]).when(show()).then([]);
    });

    it('refuses the author and users below editor', () => {
      given([asked()]).when(hide(alice)).then('FORBIDDEN');
      given([asked()]).when(hide(expert)).then('FORBIDDEN');
      given([asked()]).when(hide(anon)).then('UNAUTHENTICATED');
      given([]).when(hide(admin)).then('QUESTION_NOT_FOUND');
    });
  });

  describe('state', () => {
    it('answers who wrote it, its content, revision, selection and flags', () => {
      const edits = given([asked()])
        .when(edit({ body: 'v2' }))
        .events();
      const state = foldQuestion([asked(), ...edits, closed, selected('a1'), hidden]);
      expect(state).toMatchObject({
        exists: true,
        authorId: alice.userId,
        revision: 2,
        content: { title: TITLE, body: 'v2', tags: ['typescript', 'events'] },
        closed: { by: alice.userId, reason: 'Answered elsewhere' },
        selected: { answerId: 'a1', answerAuthorId: bob.userId },
        hidden: true,
        lastEdit: { by: authorOf(alice), at: T1, reason: null },
      });
      expect(questionLookup(QID, state)).toEqual({
        id: QID,
        exists: true,
        authorId: alice.userId,
        closed: true,
        hidden: true,
      });
      expect(questionPostLookup(QID, state)).toMatchObject({
        type: 'question',
        questionHidden: true,
        questionClosed: true,
      });
    });

    it('has no author id for anonymous questions and nothing for a missing one', () => {
      expect(foldQuestion([anonAsked]).authorId).toBeNull();
      expect(questionLookup(QID, foldQuestion([])).exists).toBe(false);
    });
  });
});
