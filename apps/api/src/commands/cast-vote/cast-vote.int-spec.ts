import type { VoteCast } from '@qa/domain';
import { startCommandApi, type CommandApi } from '../testing/command-api.harness';

describe('PUT /api/v1/questions/:id/vote and /api/v1/answers/:id/vote', () => {
  let api: CommandApi;
  let author: { id: string; token: string };
  let voter: { id: string; token: string };
  let editor: { id: string; token: string };
  let questionId: string;
  let answerId: string;

  beforeAll(async () => {
    api = await startCommandApi();
    const admin = await api.user('admin');
    author = await api.user('author');
    voter = await api.user('voter');
    editor = await api.user('editor');
    await api.request('PUT', '/api/v1/users/editor/level', {
      token: admin.token,
      body: { level: 50 },
    });
    questionId = (
      await api.request('POST', '/api/v1/questions', {
        token: author.token,
        body: { title: 'Is this question any good?', body: 'Vote!' },
      })
    ).body.id;
    answerId = (
      await api.request('POST', `/api/v1/questions/${questionId}/answers`, {
        token: author.token,
        body: { body: 'My own answer.' },
      })
    ).body.id;
  });

  afterAll(async () => {
    await api?.close();
  });

  const vote = (
    kind: 'questions' | 'answers',
    id: string,
    token: string | undefined,
    value: unknown,
  ) => api.request('PUT', `/api/v1/${kind}/${id}/vote`, { token, body: { value } });

  it('records up, down and withdrawn votes with the previous value', async () => {
    const up = await vote('questions', questionId, voter.token, 1);
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ value: 1, position: expect.stringMatching(/^\d+$/) });
    expect((await vote('questions', questionId, voter.token, -1)).status).toBe(200);
    expect((await vote('questions', questionId, voter.token, 0)).status).toBe(200);
    const events = await api.events(`vote-${questionId}_${voter.id}`);
    expect(
      events.map((e) => [
        (e.data as VoteCast['data']).previousValue,
        (e.data as VoteCast['data']).value,
      ]),
    ).toEqual([
      [0, 1],
      [1, -1],
      [-1, 0],
    ]);
    expect(events[0].data).toMatchObject({
      postType: 'question',
      questionId,
      postAuthorId: author.id,
      voterId: voter.id,
    });
  });

  it('votes on answers carry their question', async () => {
    const response = await vote('answers', answerId, voter.token, 1);
    expect(response.status).toBe(200);
    const [cast] = await api.events(`vote-${answerId}_${voter.id}`);
    expect(cast.data).toMatchObject({ postType: 'answer', questionId, postAuthorId: author.id });
  });

  it('appends nothing when the vote does not change', async () => {
    await vote('answers', answerId, editor.token, -1);
    const head = await api.head();
    const same = await vote('answers', answerId, editor.token, -1);
    expect(same.status).toBe(200);
    expect(await api.head()).toBe(head);
  });

  it('refuses anonymous votes (401), own posts (403), bad values (400) and unknown posts (404)', async () => {
    const before = await api.head();
    const anonymous = await vote('questions', questionId, undefined, 1);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
    const own = await vote('questions', questionId, author.token, 1);
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('CANNOT_VOTE_OWN_POST');
    for (const value of [2, '1', null, 0.5, true]) {
      const bad = await vote('questions', questionId, voter.token, value);
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('value');
    }
    const missingQuestion = await vote('questions', 'nosuchpost', voter.token, 1);
    expect(missingQuestion.status).toBe(404);
    expect(missingQuestion.body.code).toBe('QUESTION_NOT_FOUND');
    const missingAnswer = await vote('answers', 'Not-An-Id', voter.token, 1);
    expect(missingAnswer.status).toBe(404);
    expect(missingAnswer.body.code).toBe('ANSWER_NOT_FOUND');
    expect(await api.head()).toBe(before);
  });

  it('refuses votes on hidden posts with 403 CANNOT_VOTE_HIDDEN_POST', async () => {
    const { body } = await api.request('POST', '/api/v1/questions', {
      token: author.token,
      body: { title: 'This one will be hidden', body: 'x' },
    });
    await api.request('POST', `/api/v1/questions/${body.id}/hide`, { token: editor.token });
    const response = await vote('questions', body.id, voter.token, 1);
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('CANNOT_VOTE_HIDDEN_POST');
  });

  it('refuses votes on an answer as soon as its question is hidden, even right after a vote', async () => {
    const { body: q } = await api.request('POST', '/api/v1/questions', {
      token: author.token,
      body: { title: 'Question about to be hidden', body: 'x' },
    });
    const { body: a } = await api.request('POST', `/api/v1/questions/${q.id}/answers`, {
      token: author.token,
      body: { body: 'Answer under it.' },
    });
    expect((await vote('answers', a.id, voter.token, 1)).status).toBe(200);
    expect(
      (await api.request('POST', `/api/v1/questions/${q.id}/hide`, { token: editor.token })).status,
    ).toBe(200);
    const refused = await vote('answers', a.id, voter.token, -1);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('CANNOT_VOTE_HIDDEN_POST');
  });

  it('counts every vote when many users vote on one post at once', async () => {
    const voters = await Promise.all(Array.from({ length: 12 }, (_, i) => api.user(`crowd${i}`)));
    const responses = await Promise.all(
      voters.flatMap((v, i) => [
        vote('answers', answerId, v.token, i % 3 === 0 ? -1 : 1),
        vote('questions', questionId, v.token, 1),
      ]),
    );
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    for (const [i, v] of voters.entries()) {
      const [onAnswer] = await api.events(`vote-${answerId}_${v.id}`);
      expect((onAnswer.data as VoteCast['data']).value).toBe(i % 3 === 0 ? -1 : 1);
      expect(await api.events(`vote-${questionId}_${v.id}`)).toHaveLength(1);
    }
  });

  it('answers a replayed Idempotency-Key with the original position', async () => {
    const voterTwo = await api.user('replayer');
    const headers = { 'idempotency-key': 'vote-replay-1' };
    const first = await api.request('PUT', `/api/v1/questions/${questionId}/vote`, {
      token: voterTwo.token,
      body: { value: 1 },
      headers,
    });
    const again = await api.request('PUT', `/api/v1/questions/${questionId}/vote`, {
      token: voterTwo.token,
      body: { value: 1 },
      headers,
    });
    expect(again.body).toEqual(first.body);
    expect(await api.events(`vote-${questionId}_${voterTwo.id}`)).toHaveLength(1);
  });

  it('limits votes to 300 an hour per user and 600 per IP, with 429 and Retry-After', async () => {
    const busy = await api.user('busy');
    await api.spendRateLimit('votesPerUser', busy.id, 300);
    const perUser = await vote('questions', questionId, busy.token, 1);
    expect(perUser.status).toBe(429);
    expect(perUser.body.code).toBe('RATE_LIMITED');
    expect(Number(perUser.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await api.events(`vote-${questionId}_${busy.id}`)).toHaveLength(0);

    const fresh = await api.user('fresh');
    await api.spendRateLimit('votesPerIp', api.localIpHash, 600);
    const perIp = await vote('questions', questionId, fresh.token, 1);
    expect(perIp.status).toBe(429);
    expect(perIp.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
