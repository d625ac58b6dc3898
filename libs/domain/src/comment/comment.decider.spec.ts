import { Actor } from '../shared/actor';
import { specFor } from '../shared/decider-spec';
import {
  alice,
  anon,
  anonAuthorOf,
  authorOf,
  bob,
  carol,
  editor,
  nameless,
  sealedAnonEmail,
  superUser,
  T0,
  T1,
} from '../shared/domain.fixtures';
import { CommentPosted } from '../shared/events';
import { PostLookup } from '../shared/lookups';
import { postLookup, visibilityFixtures } from '../shared/post.fixtures';
import { EditComment, PostComment } from './comment.commands';
import { commentDecider, foldComment } from './comment.decider';

const given = specFor(commentDecider);

const CID = 'c1';
const BODY = 'Could you show the stack trace?';

const onQuestion = postLookup;
const onAnswer = (over: Partial<PostLookup> = {}) =>
  postLookup({ type: 'answer', id: 'a1', authorId: bob.userId, ...over });

const post = (data: Partial<PostComment['data']> = {}): PostComment => ({
  type: 'PostComment',
  data: { commentId: CID, parent: onQuestion(), body: BODY, actor: carol, at: T0, ...data },
});

const posted = (data: Partial<CommentPosted['data']> = {}): CommentPosted => ({
  type: 'CommentPosted',
  data: {
    commentId: CID,
    questionId: 'q1',
    parent: { type: 'question', id: 'q1', authorId: alice.userId },
    body: BODY,
    author: authorOf(carol),
    notify: { notify: true, email: null },
    at: T0,
    ...data,
  },
});
const onAnswerPosted = posted({ parent: { type: 'answer', id: 'a1', authorId: bob.userId } });

const edit = (
  body: string,
  actor: Actor = carol,
  extra: Partial<EditComment['data']> = {},
): EditComment => ({
  type: 'EditComment',
  data: { commentId: CID, body, actor, at: T1, ...extra },
});
const { hide, show, hidden, shown } = visibilityFixtures(
  { postId: CID, postType: 'comment', questionId: 'q1' },
  { hide: 'HideComment', show: 'ShowComment', ids: { commentId: CID } },
);

describe('comment decider', () => {
  describe('PostComment', () => {
    it("records a comment on a question, naming the question's author", () => {
      given([]).when(post()).then([posted()]);
    });

    it("records a comment on an answer with its question id and the answer's author", () => {
      given([])
        .when(post({ parent: onAnswer() }))
        .then([onAnswerPosted]);
    });

    it('records anonymous comments with name and sealed email', () => {
      given([])
        .when(post({ actor: anon, email: sealedAnonEmail }))
        .then([
          posted({
            author: anonAuthorOf(anon),
            notify: { notify: true, email: sealedAnonEmail },
          }),
        ]);
      given([])
        .when(post({ actor: nameless, notify: false }))
        .then([
          posted({
            author: anonAuthorOf(nameless),
            notify: { notify: false, email: null },
          }),
        ]);
    });

    it('allows comments on a closed question and its answers (as Q2A does)', () => {
      given([])
        .when(post({ parent: onQuestion({ questionClosed: true }) }))
        .then([posted()]);
      given([])
        .when(post({ parent: onAnswer({ questionClosed: true }) }))
        .then([onAnswerPosted]);
    });

    it('refuses comments on hidden posts and under a hidden question', () => {
      given([])
        .when(post({ parent: onQuestion({ hidden: true, questionHidden: true }) }))
        .then('QUESTION_HIDDEN');
      given([])
        .when(post({ parent: onAnswer({ hidden: true }) }))
        .then('ANSWER_HIDDEN');
      given([])
        .when(post({ parent: onAnswer({ questionHidden: true }) }))
        .then('QUESTION_HIDDEN');
    });

    it('refuses a missing parent with the code of its type', () => {
      given([])
        .when(post({ parent: onQuestion({ exists: false }) }))
        .then('QUESTION_NOT_FOUND');
      given([])
        .when(post({ parent: onAnswer({ exists: false }) }))
        .then('ANSWER_NOT_FOUND');
    });

    it('validates body, name and email together', () => {
      given([])
        .when(post({ body: '', actor: { ...anon, name: 'tab\there' } }))
        .thenFailsOn(['body', 'name']);
      given([])
        .when(post({ email: sealedAnonEmail }))
        .thenFailsOn(['email']);
    });

    it('refuses a second comment on the same id', () => {
      given([posted()]).when(post()).then('ALREADY_EXISTS');
    });
  });

  describe('EditComment', () => {
    it('records the new and previous body', () => {
      given([onAnswerPosted])
        .when(edit('Could you show the whole log?', carol, { reason: 'more precise' }))
        .then([
          {
            type: 'CommentEdited',
            data: {
              commentId: CID,
              questionId: 'q1',
              parent: { type: 'answer', id: 'a1' },
              body: 'Could you show the whole log?',
              previousBody: BODY,
              reason: 'more precise',
              editedBy: authorOf(carol),
              at: T1,
            },
          },
        ]);
    });

    it('decides nothing for an unchanged body', () => {
      given([posted()]).when(edit(BODY)).then([]);
    });

    it("lets editors edit anyone's comment, refuses others", () => {
      expect(given([posted()]).when(edit('Tidied', editor)).events()).toHaveLength(1);
      expect(given([posted()]).when(edit('Tidied', superUser)).events()).toHaveLength(1);
      given([posted()]).when(edit('Not mine', alice)).then('FORBIDDEN');
      given([posted()]).when(edit('Not mine', anon)).then('UNAUTHENTICATED');
    });

    it('refuses edits of a hidden or missing comment', () => {
      given([posted(), hidden]).when(edit('x', editor)).then('COMMENT_HIDDEN');
      given([]).when(edit('x')).then('COMMENT_NOT_FOUND');
    });

    it('records a restore and refuses an unknown revision', () => {
      const v2 = given([posted()]).when(edit('v2')).events();
      const [restore] = given([posted(), ...v2])
        .when(edit(BODY, carol, { restoredRevision: 1 }))
        .events();
      expect(restore).toMatchObject({ data: { body: BODY, restoredRevision: 1 } });
      given([posted()])
        .when(edit('v3', carol, { restoredRevision: 5 }))
        .thenFailsOn(['restoredRevision']);
    });
  });

  describe('HideComment and ShowComment', () => {
    it('lets an editor hide and show', () => {
      given([posted()]).when(hide()).then([hidden]);
      given([posted(), hidden]).when(show()).then([shown]);
      given([posted(), hidden]).when(hide()).then([]);
      given([posted()]).when(show()).then([]);
    });

    it('refuses the author, anonymous users and missing comments', () => {
      given([posted()]).when(hide(carol)).then('FORBIDDEN');
      given([posted()]).when(hide(anon)).then('UNAUTHENTICATED');
      given([]).when(hide()).then('COMMENT_NOT_FOUND');
    });
  });

  it('folds author, parent, body, revision and hidden', () => {
    const v2 = given([onAnswerPosted]).when(edit('v2')).events();
    expect(foldComment([onAnswerPosted, ...v2, hidden])).toMatchObject({
      exists: true,
      authorId: carol.userId,
      questionId: 'q1',
      parent: { type: 'answer', id: 'a1', authorId: bob.userId },
      body: 'v2',
      revision: 2,
      hidden: true,
    });
  });
});
