import type { QuestionEdited } from '@qa/domain';
import { startCommandApi, type CommandApi } from '../testing/command-api.harness';

describe('PATCH /api/v1/questions/:id and POST /api/v1/questions/:id/close|reopen', () => {
  let api: CommandApi;
  let author: { id: string; token: string };
  let other: { id: string; token: string };
  let editor: { id: string; token: string };

  const ask = async (token: string) => {
    const response = await api.request('POST', '/api/v1/questions', {
      token,
      body: { title: 'What is a decider, really?', body: 'First version.' },
    });
    return response.body.id as string;
  };

  beforeAll(async () => {
    api = await startCommandApi();
    const admin = await api.user('admin'); // the first user: super
    author = await api.user('author');
    other = await api.user('other');
    editor = await api.user('editor');
    const promoted = await api.request('PUT', '/api/v1/users/editor/level', {
      token: admin.token,
      body: { level: 50 },
    });
    expect(promoted.status).toBe(200);
  });

  afterAll(async () => {
    await api?.close();
  });

  it('lets the author edit, keeping the previous values and the reason', async () => {
    const id = await ask(author.token);
    const response = await api.request('PATCH', `/api/v1/questions/${id}`, {
      token: author.token,
      body: { body: 'Second version.', tags: ['ddd'], reason: 'clarity' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id, position: expect.stringMatching(/^\d+$/) });
    const [, edited] = await api.events(`question-${id}`);
    expect(edited.data).toMatchObject({
      changes: { body: 'Second version.', tags: ['ddd'] },
      previous: { body: 'First version.', tags: [] },
      reason: 'clarity',
      editedBy: { kind: 'user', userId: author.id },
    });
  });

  it("refuses someone else's edit with 403 FORBIDDEN and lets an editor (level re-read) edit", async () => {
    const id = await ask(author.token);
    const before = await api.head();
    const refused = await api.request('PATCH', `/api/v1/questions/${id}`, {
      token: other.token,
      body: { body: 'Vandalised.' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    expect(await api.head()).toBe(before);
    // The editor's token was issued before the promotion: the level comes from the stream.
    const edited = await api.request('PATCH', `/api/v1/questions/${id}`, {
      token: editor.token,
      body: { body: 'Tidied by an editor.' },
    });
    expect(edited.status).toBe(200);
  });

  it('answers 401 without a token and 404 for an unknown or malformed id', async () => {
    const id = await ask(author.token);
    const anonymous = await api.request('PATCH', `/api/v1/questions/${id}`, {
      body: { body: 'x' },
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
    for (const missing of ['doesnotexist', 'BAD-ID', '..%2f..%2fuser-1']) {
      const response = await api.request('PATCH', `/api/v1/questions/${missing}`, {
        token: author.token,
        body: { body: 'x' },
      });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('QUESTION_NOT_FOUND');
    }
  });

  it('serialises concurrent edits: each lands on top of the previous one, none is lost', async () => {
    const id = await ask(author.token);
    const bodies = Array.from({ length: 6 }, (_, i) => `Concurrent version ${i}.`);
    const responses = await Promise.all(
      bodies.map((body, i) =>
        api.request('PATCH', `/api/v1/questions/${id}`, {
          token: i % 2 === 0 ? author.token : editor.token,
          body: { body },
        }),
      ),
    );
    const landed = responses.filter((r) => r.status === 200).length;
    const conflicts = responses.filter((r) => r.status === 409);
    expect(landed + conflicts.length).toBe(bodies.length);
    for (const c of conflicts) expect(c.body.code).toBe('CONCURRENT_MODIFICATION');
    expect(landed).toBeGreaterThan(0);

    const edits = (await api.events(`question-${id}`))
      .filter((e) => e.type === 'QuestionEdited')
      .map((e) => e.data as QuestionEdited['data']);
    expect(edits).toHaveLength(landed);
    // Each edit replaced exactly what the one before it wrote: no lost update.
    let current = 'First version.';
    for (const edit of edits) {
      expect(edit.previous.body).toBe(current);
      current = edit.changes.body!;
    }
  });

  it('closes with a reason, refuses edits and answers while closed, and reopens', async () => {
    const id = await ask(author.token);
    const noReason = await api.request('POST', `/api/v1/questions/${id}/close`, {
      token: author.token,
      body: {},
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');
    const byOther = await api.request('POST', `/api/v1/questions/${id}/close`, {
      token: other.token,
      body: { reason: 'duplicate' },
    });
    expect(byOther.status).toBe(403);

    const closed = await api.request('POST', `/api/v1/questions/${id}/close`, {
      token: author.token,
      body: { reason: 'duplicate' },
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toEqual({ id, position: expect.any(String) });
    const again = await api.request('POST', `/api/v1/questions/${id}/close`, {
      token: author.token,
      body: { reason: 'duplicate' },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALREADY_CLOSED');

    const edit = await api.request('PATCH', `/api/v1/questions/${id}`, {
      token: author.token,
      body: { body: 'x' },
    });
    expect(edit.status).toBe(403);
    expect(edit.body.code).toBe('QUESTION_CLOSED');
    const answer = await api.request('POST', `/api/v1/questions/${id}/answers`, {
      token: other.token,
      body: { body: 'An answer.' },
    });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('QUESTION_CLOSED');

    const reopened = await api.request('POST', `/api/v1/questions/${id}/reopen`, {
      token: editor.token,
    });
    expect(reopened.status).toBe(200);
    const reopenAgain = await api.request('POST', `/api/v1/questions/${id}/reopen`, {
      token: editor.token,
    });
    expect(reopenAgain.status).toBe(409);
    expect(reopenAgain.body.code).toBe('NOT_CLOSED');
    const types = (await api.events(`question-${id}`)).map((e) => e.type);
    expect(types).toEqual(['QuestionAsked', 'QuestionClosed', 'QuestionReopened']);
  });
});
