import { startCommandApi, type CommandApi } from '../testing/command-api.harness';

describe('answers, comments and the best answer', () => {
  let api: CommandApi;
  let asker: { id: string; token: string };
  let answerer: { id: string; token: string };
  let editor: { id: string; token: string };
  let questionId: string;

  beforeAll(async () => {
    api = await startCommandApi();
    const admin = await api.user('admin');
    asker = await api.user('asker');
    answerer = await api.user('answerer');
    editor = await api.user('editor');
    await api.request('PUT', '/api/v1/users/editor/level', {
      token: admin.token,
      body: { level: 50 },
    });
    const asked = await api.request('POST', '/api/v1/questions', {
      token: asker.token,
      body: { title: 'Which projection store is best?', body: 'Thoughts?' },
    });
    questionId = asked.body.id;
  });

  afterAll(async () => {
    await api?.close();
  });

  const answer = (token: string | undefined, body: unknown, qid = questionId) =>
    api.request('POST', `/api/v1/questions/${qid}/answers`, { token, body });

  it('POST /questions/:id/answers: 201 with the question and its author on the event', async () => {
    const response = await answer(answerer.token, { body: 'MongoDB, guarded by position.' });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      position: expect.stringMatching(/^\d+$/),
    });
    const [posted] = await api.events(`answer-${response.body.id}`);
    expect(posted.data).toMatchObject({
      questionId,
      questionAuthorId: asker.id,
      body: 'MongoDB, guarded by position.',
      author: { kind: 'user', userId: answerer.id },
    });
  });

  it('lets anonymous visitors answer, nameless ones shown as anonymous', async () => {
    const response = await answer(undefined, { body: 'Anonymous insight.', notify: false });
    expect(response.status).toBe(201);
    const [posted] = await api.events(`answer-${response.body.id}`);
    expect(posted.data).toMatchObject({
      author: { kind: 'anonymous', name: null },
      notify: { notify: false, email: null },
    });
  });

  it('answers 404 for an unknown question and 400 for an empty body', async () => {
    const missing = await answer(answerer.token, { body: 'Hello' }, 'nosuchquestion');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('QUESTION_NOT_FOUND');
    const empty = await answer(answerer.token, { body: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].field).toBe('body');
  });

  it('PATCH /answers/:id: the author or an editor edits; others get 403', async () => {
    const { body } = await answer(answerer.token, { body: 'Draft.' });
    const edited = await api.request('PATCH', `/api/v1/answers/${body.id}`, {
      token: answerer.token,
      body: { body: 'Final.', reason: 'typo' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toEqual({ id: body.id, position: expect.any(String) });
    const refused = await api.request('PATCH', `/api/v1/answers/${body.id}`, {
      token: asker.token,
      body: { body: 'Hijacked.' },
    });
    expect(refused.status).toBe(403);
    const byEditor = await api.request('PATCH', `/api/v1/answers/${body.id}`, {
      token: editor.token,
      body: { body: 'Tidied.' },
    });
    expect(byEditor.status).toBe(200);
    const missing = await api.request('PATCH', '/api/v1/answers/nosuchanswer', {
      token: editor.token,
      body: { body: 'x' },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('ANSWER_NOT_FOUND');
    const edits = (await api.events(`answer-${body.id}`)).filter((e) => e.type === 'AnswerEdited');
    expect(edits.map((e) => (e.data as { previousBody: string }).previousBody)).toEqual([
      'Draft.',
      'Final.',
    ]);
  });

  it('comments on questions and answers; 404 for unknown parents', async () => {
    const { body: a } = await answer(answerer.token, { body: 'Commentable.' });
    const onQuestion = await api.request('POST', `/api/v1/questions/${questionId}/comments`, {
      body: { body: 'Good question.', name: 'Passer-by', email: 'pb@example.com' },
    });
    expect(onQuestion.status).toBe(201);
    const onAnswer = await api.request('POST', `/api/v1/answers/${a.id}/comments`, {
      token: asker.token,
      body: { body: 'Thanks!' },
    });
    expect(onAnswer.status).toBe(201);
    const [posted] = await api.events(`comment-${onAnswer.body.id}`);
    expect(posted.data).toMatchObject({
      questionId,
      parent: { type: 'answer', id: a.id, authorId: answerer.id },
      author: { kind: 'user', userId: asker.id },
    });
    const noQuestion = await api.request('POST', '/api/v1/questions/nope/comments', {
      body: { body: 'x' },
    });
    expect(noQuestion.status).toBe(404);
    expect(noQuestion.body.code).toBe('QUESTION_NOT_FOUND');
    const noAnswer = await api.request('POST', '/api/v1/answers/nope/comments', {
      body: { body: 'x' },
    });
    expect(noAnswer.status).toBe(404);
    expect(noAnswer.body.code).toBe('ANSWER_NOT_FOUND');

    const edited = await api.request('PATCH', `/api/v1/comments/${onAnswer.body.id}`, {
      token: asker.token,
      body: { body: 'Thanks a lot!' },
    });
    expect(edited.status).toBe(200);
    const anonymousEdit = await api.request('PATCH', `/api/v1/comments/${onQuestion.body.id}`, {
      body: { body: 'Changed.' },
    });
    expect(anonymousEdit.status).toBe(401);
    const missing = await api.request('PATCH', '/api/v1/comments/nosuchcomment', {
      token: asker.token,
      body: { body: 'x' },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('COMMENT_NOT_FOUND');
  });

  it('PUT /questions/:id/selected-answer: the asker selects, changes and clears', async () => {
    const { body: first } = await answer(answerer.token, { body: 'Option one.' });
    const { body: second } = await answer(editor.token, { body: 'Option two.' });
    const byOther = await api.request('PUT', `/api/v1/questions/${questionId}/selected-answer`, {
      token: answerer.token,
      body: { answerId: first.id },
    });
    expect(byOther.status).toBe(403);

    const selected = await api.request('PUT', `/api/v1/questions/${questionId}/selected-answer`, {
      token: asker.token,
      body: { answerId: first.id },
    });
    expect(selected.status).toBe(200);
    expect(selected.body).toEqual({ questionId, answerId: first.id, position: expect.any(String) });
    await api.request('PUT', `/api/v1/questions/${questionId}/selected-answer`, {
      token: asker.token,
      body: { answerId: second.id },
    });
    const cleared = await api.request('PUT', `/api/v1/questions/${questionId}/selected-answer`, {
      token: asker.token,
      body: { answerId: null },
    });
    expect(cleared.status).toBe(200);
    const types = (await api.events(`question-${questionId}`)).map((e) => e.type).slice(1);
    expect(types).toEqual(['AnswerSelected', 'AnswerSelected', 'AnswerSelectionCleared']);

    const unknown = await api.request('PUT', `/api/v1/questions/${questionId}/selected-answer`, {
      token: asker.token,
      body: { answerId: 'nosuchanswer' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('ANSWER_NOT_FOUND');
    const missingField = await api.request(
      'PUT',
      `/api/v1/questions/${questionId}/selected-answer`,
      {
        token: asker.token,
        body: {},
      },
    );
    expect(missingField.status).toBe(400);
  });

  it('refuses to select an answer of another question with 400 ANSWER_NOT_ON_QUESTION', async () => {
    const { body: q2 } = await api.request('POST', '/api/v1/questions', {
      token: asker.token,
      body: { title: 'A second question here', body: 'Body.' },
    });
    const { body: elsewhere } = await answer(answerer.token, { body: 'Elsewhere.' }, q2.id);
    const response = await api.request('PUT', `/api/v1/questions/${questionId}/selected-answer`, {
      token: asker.token,
      body: { answerId: elsewhere.id },
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('ANSWER_NOT_ON_QUESTION');
  });

  it('editors hide and show posts; hidden questions take no answers; others get 403', async () => {
    const { body: q } = await api.request('POST', '/api/v1/questions', {
      token: asker.token,
      body: { title: 'A question to be hidden', body: 'Spam?' },
    });
    const byAuthor = await api.request('POST', `/api/v1/questions/${q.id}/hide`, {
      token: asker.token,
    });
    expect(byAuthor.status).toBe(403);
    const hidden = await api.request('POST', `/api/v1/questions/${q.id}/hide`, {
      token: editor.token,
    });
    expect(hidden.status).toBe(200);
    expect(hidden.body).toEqual({ id: q.id, position: expect.any(String) });
    const refused = await answer(answerer.token, { body: 'Too late.' }, q.id);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('QUESTION_HIDDEN');
    const shown = await api.request('POST', `/api/v1/questions/${q.id}/show`, {
      token: editor.token,
    });
    expect(shown.status).toBe(200);
    expect((await answer(answerer.token, { body: 'Now fine.' }, q.id)).status).toBe(201);

    const { body: a } = await answer(answerer.token, { body: 'Hide me.' }, q.id);
    expect(
      (await api.request('POST', `/api/v1/answers/${a.id}/hide`, { token: editor.token })).status,
    ).toBe(200);
    const { body: c } = await api.request('POST', `/api/v1/questions/${q.id}/comments`, {
      body: { body: 'Hide me too.' },
    });
    expect(
      (await api.request('POST', `/api/v1/comments/${c.id}/hide`, { token: editor.token })).status,
    ).toBe(200);
    expect(
      (await api.request('POST', '/api/v1/comments/nosuchcomment/hide', { token: editor.token }))
        .body.code,
    ).toBe('COMMENT_NOT_FOUND');
    expect(
      (await api.request('POST', `/api/v1/users/${q.id}/hide`, { token: editor.token })).status,
    ).toBe(404);
  });

  it('hidden posts: no selecting, commenting on or editing them (403 with the post kind)', async () => {
    const { body: q } = await api.request('POST', '/api/v1/questions', {
      token: asker.token,
      body: { title: 'A question with a hidden answer', body: 'Body.' },
    });
    const { body: a } = await answer(answerer.token, { body: 'Soon hidden.' }, q.id);
    await api.request('POST', `/api/v1/answers/${a.id}/hide`, { token: editor.token });
    const before = await api.head();
    const select = await api.request('PUT', `/api/v1/questions/${q.id}/selected-answer`, {
      token: asker.token,
      body: { answerId: a.id },
    });
    expect(select.status).toBe(403);
    expect(select.body.code).toBe('ANSWER_HIDDEN');
    const comment = await api.request('POST', `/api/v1/answers/${a.id}/comments`, {
      token: asker.token,
      body: { body: 'On a hidden answer.' },
    });
    expect(comment.status).toBe(403);
    expect(comment.body.code).toBe('ANSWER_HIDDEN');
    const editAnswer = await api.request('PATCH', `/api/v1/answers/${a.id}`, {
      token: answerer.token,
      body: { body: 'Edited while hidden.' },
    });
    expect(editAnswer.status).toBe(403);
    expect(editAnswer.body.code).toBe('ANSWER_HIDDEN');
    expect(await api.head()).toBe(before);

    await api.request('POST', `/api/v1/questions/${q.id}/hide`, { token: editor.token });
    const editQuestion = await api.request('PATCH', `/api/v1/questions/${q.id}`, {
      token: asker.token,
      body: { body: 'Edited while hidden.' },
    });
    expect(editQuestion.status).toBe(403);
    expect(editQuestion.body.code).toBe('QUESTION_HIDDEN');
    const onQuestion = await api.request('POST', `/api/v1/questions/${q.id}/comments`, {
      body: { body: 'On a hidden question.' },
    });
    expect(onQuestion.status).toBe(403);
    expect(onQuestion.body.code).toBe('QUESTION_HIDDEN');
  });
});
