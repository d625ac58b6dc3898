/**
 * The whole product over HTTP: users registered and questions asked, answered, commented,
 * voted (a vote changed), edited and an answer selected through the command endpoints; the
 * projector building the read models; the pages, lists, profiles and points read back with
 * each command's position as X-Wait-For-Position. Points are computed by hand from DOMAIN.md.
 */
import { randomBytes } from 'node:crypto';
import { startEventStoreDbServer, startMongoDbServer } from '@qa/embedded';
import { testRuntime, type TestRuntime } from '../../../../test/support/test-runtime';
import { startProjector, type RunningProjector } from '../../../projector/src/projector.app';
import { startApi, type RunningApi } from '../api.app';

jest.setTimeout(90_000);

describe('read side after real commands over HTTP', () => {
  let esdb: Awaited<ReturnType<typeof startEventStoreDbServer>>;
  let mongo: Awaited<ReturnType<typeof startMongoDbServer>>;
  let runtime: TestRuntime;
  let projector: RunningProjector;
  let api: RunningApi;
  let position = '0';
  const ids: Record<string, string> = {};
  const tokens: Record<string, string> = {};

  const call = async (method: string, path: string, options: { body?: unknown; as?: string; wait?: boolean } = {}) => {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.as) headers.authorization = `Bearer ${tokens[options.as]}`;
    if (method === 'GET' && options.wait !== false) headers['x-wait-for-position'] = position;
    const res = await fetch(`${api.url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const body = res.status === 204 ? null : ((await res.json()) as any);
    if (method !== 'GET') {
      if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(body)}`);
      if (body?.position) position = body.position;
    }
    return { status: res.status, body };
  };
  const get = (path: string) => call('GET', path);

  beforeAll(async () => {
    esdb = await startEventStoreDbServer({ port: 0, data: ':memory:' });
    mongo = await startMongoDbServer({ port: 0 });
    const base = testRuntime({}, { eventStoreUrl: esdb.url, mongoUrl: `${mongo.url}/qa` });
    // a fresh hash key: this run's own rate-limit counters in the shared Redis
    runtime = { ...base, secrets: { ...base.secrets, hashKey: randomBytes(24).toString('base64url') } };
    projector = await startProjector(runtime);
    api = await startApi(runtime, { prettyLogs: false });

    for (const name of ['alice', 'bob', 'carol', 'dave']) {
      const created = await call('POST', '/api/v1/users', { body: { username: name, email: `${name}@example.com`, password: 'correct horse battery' } });
      ids[name] = created.body.id;
      tokens[name] = (await call('POST', '/api/v1/sessions', { body: { login: name, password: 'correct horse battery' } })).body.token;
    }
    // alice registered first: she is the super user and may create categories
    ids.tech = (await call('POST', '/api/v1/categories', { as: 'alice', body: { name: 'Tech' } })).body.id;
    ids.db = (await call('POST', '/api/v1/categories', { as: 'alice', body: { name: 'Databases', parentId: ids.tech } })).body.id;

    ids.q1 = (await call('POST', '/api/v1/questions', { as: 'alice', body: { title: 'How do I index a join?', body: 'I have *two* tables.', categoryId: ids.db, tags: ['sql'] } })).body.id;
    ids.a1 = (await call('POST', `/api/v1/questions/${ids.q1}/answers`, { as: 'bob', body: { body: 'Use an index.' } })).body.id;
    ids.a2 = (await call('POST', `/api/v1/questions/${ids.q1}/answers`, { as: 'carol', body: { body: 'Denormalise.' } })).body.id;
    ids.c1 = (await call('POST', `/api/v1/questions/${ids.q1}/comments`, { as: 'alice', body: { body: 'Postgres 16.' } })).body.id;
    ids.c2 = (await call('POST', `/api/v1/answers/${ids.a1}/comments`, { as: 'bob', body: { body: 'On both columns.' } })).body.id;
    await call('PUT', `/api/v1/questions/${ids.q1}/vote`, { as: 'carol', body: { value: 1 } });
    await call('PUT', `/api/v1/questions/${ids.q1}/vote`, { as: 'bob', body: { value: 1 } });
    await call('PUT', `/api/v1/answers/${ids.a1}/vote`, { as: 'carol', body: { value: 1 } });
    await call('PUT', `/api/v1/answers/${ids.a1}/vote`, { as: 'alice', body: { value: 1 } });
    await call('PUT', `/api/v1/answers/${ids.a2}/vote`, { as: 'dave', body: { value: 1 } });
    // carol changes her mind
    await call('PUT', `/api/v1/answers/${ids.a1}/vote`, { as: 'carol', body: { value: -1 } });
    await call('PATCH', `/api/v1/questions/${ids.q1}`, { as: 'alice', body: { title: 'How do I index a join well?', reason: 'clearer' } });
    await call('PATCH', `/api/v1/answers/${ids.a1}`, { as: 'bob', body: { body: 'Use a **compound** index.' } });
    await call('PUT', `/api/v1/questions/${ids.q1}/selected-answer`, { as: 'alice', body: { answerId: ids.a1 } });
  });

  afterAll(async () => {
    await api?.stop();
    await projector?.stop();
    await mongo?.close();
    await esdb?.close();
    runtime?.cleanup();
  });

  it('shows the page as the commands left it', async () => {
    const { status, body } = await get(`/api/v1/questions/${ids.q1}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: ids.q1,
      title: 'How do I index a join well?',
      body: 'I have *two* tables.',
      bodyHtml: '<p>I have <em>two</em> tables.</p>\n',
      category: { id: ids.db, name: 'Databases' },
      tags: ['sql'],
      votes: { up: 2, down: 0, net: 2 },
      author: { id: ids.alice, username: 'alice', points: 180 },
      edited: { by: { id: ids.alice, username: 'alice' }, reason: 'clearer' },
      selectedAnswerId: ids.a1,
      answerCount: 2,
      comments: [{ id: ids.c1, body: 'Postgres 16.', author: { id: ids.alice } }],
    });
    expect(body.answers.map((a: any) => [a.id, a.selected, a.votes, a.author.points])).toEqual([
      [ids.a1, true, { up: 1, down: 1, net: 0 }, 450],
      [ids.a2, false, { up: 1, down: 0, net: 1 }, 180],
    ]);
    expect(body.answers[0]).toMatchObject({ body: 'Use a **compound** index.', edited: { by: { id: ids.bob } }, comments: [{ id: ids.c2 }] });
    expect(JSON.stringify(body)).not.toContain('example.com');
  });

  it('shows profiles, points, the top list and the ledger by the formula', async () => {
    // alice: 100 + 10 x (2 question + 3 selection made + 2 upvotes on her question + 1 vote cast) = 180
    // bob:   100 + 10 x (4 answer + 30 selected + (2 - 2) one up one down + 1 vote cast) = 450
    // carol: 100 + 10 x (4 answer + 2 upvote on her answer + 2 votes cast) = 180
    // dave:  100 + 10 x 1 vote cast = 110
    expect((await get('/api/v1/users/bob')).body).toMatchObject({
      username: 'bob',
      points: 450,
      counts: { questions: 0, answers: 1, comments: 1, selectedAnswers: 1, upvotesReceived: 1, downvotesReceived: 1, votesCast: 1 },
    });
    const top = (await get('/api/v1/users?sort=points')).body;
    const ranked = top.items.map((u: any) => `${u.username} ${u.points}`);
    // alice and carol tie at 180: their order is fixed (by id) but not meaningful here
    expect([ranked[0], ranked[3]]).toEqual(['bob 450', 'dave 110']);
    expect(ranked.slice(1, 3).sort()).toEqual(['alice 180', 'carol 180']);
    const ledger = (await get('/api/v1/users/alice/reputation')).body;
    expect(ledger.points).toBe(180);
    expect(ledger.entries.reduce((s: number, e: any) => s + e.delta, 0)).toBe(180);
    expect(ledger.entries.map((e: any) => e.reason)).toEqual([
      'registered', 'question_posted', 'question_upvoted', 'question_upvoted', 'vote_cast', 'selected_answer',
    ]);
  });

  it('lists the question under its category and the parent, its tag and the hot sort', async () => {
    for (const query of ['', '?sort=hot', '?category=databases', '?category=tech', '?tag=sql', '?sort=votes']) {
      const { body } = await get(`/api/v1/questions${query}`);
      expect(body).toMatchObject({ page: 1, pageSize: 20, total: 1, items: [{ id: ids.q1, answerCount: 2, votes: { net: 2 } }] });
    }
    expect((await get('/api/v1/questions?sort=unanswered')).body).toMatchObject({ items: [], total: 0 });
    expect((await get('/api/v1/categories')).body).toMatchObject([
      { id: ids.tech, questionCount: 1, children: [{ id: ids.db, questionCount: 1, children: [] }] },
    ]);
  });

  it('keeps every revision', async () => {
    const { body } = await get(`/api/v1/posts/${ids.q1}/revisions`);
    expect(body.map((r: any) => [r.revision, r.title, r.reason])).toEqual([
      [1, 'How do I index a join?', null],
      [2, 'How do I index a join well?', 'clearer'],
    ]);
  });

  it('shows who closed the question, and that it was reopened', async () => {
    await call('POST', `/api/v1/questions/${ids.q1}/close`, { as: 'alice', body: { reason: 'answered well enough' } });
    const closed = (await get(`/api/v1/questions/${ids.q1}`)).body.closed;
    expect(closed).toMatchObject({ by: { id: ids.alice, username: 'alice', points: 180 }, reason: 'answered well enough' });
    expect(new Date(closed.at).toISOString()).toBe(closed.at);
    await call('POST', `/api/v1/questions/${ids.q1}/reopen`, { as: 'alice' });
    expect((await get(`/api/v1/questions/${ids.q1}`)).body.closed).toBeNull();
  });
});
