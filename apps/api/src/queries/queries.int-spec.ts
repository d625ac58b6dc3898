/**
 * End to end over HTTP: events appended to the embedded EventStoreDB, the projector building
 * the read models in the embedded MongoDB, the API answering GETs. Points are checked
 * against numbers computed by hand from DOMAIN.md's formula.
 */
import { startEventStoreDbServer, startMongoDbServer } from '@qa/embedded';
import { EventStoreDbAdapter, positionToString, type EventMetadata } from '@qa/event-store';
import type { EventOf } from '@qa/domain';
import { EventFactory, anonymous, userAuthor } from '../../../../libs/read-models/src/testing/events.fixture';
import { testRuntime, type TestRuntime } from '../../../../test/support/test-runtime';
import { startProjector, type RunningProjector } from '../../../projector/src/projector.app';
import { startApi, type RunningApi } from '../api.app';

jest.setTimeout(60_000);

const metadata: EventMetadata = { correlationId: 'c', causationId: 'c', actor: 'test', at: new Date().toISOString(), schemaVersion: 1 };

describe('read side end to end over HTTP', () => {
  let esdb: Awaited<ReturnType<typeof startEventStoreDbServer>>;
  let mongo: Awaited<ReturnType<typeof startMongoDbServer>>;
  let runtime: TestRuntime;
  let projector: RunningProjector;
  let api: RunningApi;
  let store: EventStoreDbAdapter;
  let last = '0';
  const f = new EventFactory();

  const append = async (...events: Array<{ stream: string; type: string; data: unknown }>) => {
    for (const e of events) {
      const result = await store.appendToStream(e.stream, [{ type: e.type, data: e.data }], { expectedRevision: 'any', metadata });
      last = positionToString(result.position);
    }
    return last;
  };
  const get = async (path: string, headers: Record<string, string> = { 'x-wait-for-position': last }) => {
    const res = await fetch(`${api.url}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as any };
  };

  const alice = userAuthor('alice', 'Alice');
  const bob = userAuthor('bob', 'Bob');
  const carol = userAuthor('carol', 'Carol');
  const q1 = { id: 'q1', type: 'question' as const, questionId: 'q1', authorId: 'alice' };
  const a1 = { id: 'a1', type: 'answer' as const, questionId: 'q1', authorId: 'bob' };
  const a2 = { id: 'a2', type: 'answer' as const, questionId: 'q1', authorId: 'carol' };

  beforeAll(async () => {
    esdb = await startEventStoreDbServer({ port: 0, data: ':memory:' });
    mongo = await startMongoDbServer({ port: 0 });
    runtime = testRuntime({}, { eventStoreUrl: esdb.url, mongoUrl: `${mongo.url.replace(/\/?$/, '')}/qa` });
    store = new EventStoreDbAdapter(runtime.eventStoreUrl);
    projector = await startProjector(runtime);
    api = await startApi(runtime, { prettyLogs: false });

    await append(
      f.user('alice', 'Alice'),
      f.user('bob', 'Bob'),
      f.user('carol', 'Carol'),
      f.user('dave', 'Dave'),
      f.category('tech', 'Tech'),
      f.category('db', 'Databases', { id: 'tech', path: ['tech'] }),
      f.ask('q1', alice, { category: { categoryId: 'db', path: ['tech', 'db'] }, tags: ['sql'], title: 'How do I index a join?' }),
      f.answer('a1', 'q1', bob, 'alice'),
      f.answer('a2', 'q1', carol, 'alice'),
      f.comment('c1', 'q1', { type: 'question', id: 'q1' }, alice),
      f.comment('c2', 'q1', { type: 'answer', id: 'a1' }, bob),
      f.vote(q1, 'carol', 1),
      f.vote(q1, 'bob', 1),
      f.vote(a1, 'carol', 1),
      f.vote(a1, 'alice', 1),
      f.vote(a2, 'dave', 1),
      f.vote(a1, 'carol', -1, 1),
      f.make<EventOf<'QuestionEdited'>>('question-q1', 'QuestionEdited', {
        questionId: 'q1', changes: { title: 'How do I index a join well?' }, previous: { title: 'How do I index a join?' }, reason: 'clearer', editedBy: alice, at: f.at(),
      }),
      f.make<EventOf<'AnswerEdited'>>('answer-a1', 'AnswerEdited', {
        answerId: 'a1', questionId: 'q1', body: 'Use a **compound** index.', previousBody: 'Answer a1', reason: null, editedBy: bob, at: f.at(),
      }),
      f.select('q1', 'alice', 'a1', 'bob'),
      f.ask('q2', anonymous(), { category: { categoryId: 'tech', path: ['tech'] }, title: 'An anonymous question here' }),
    );
  });

  afterAll(async () => {
    await api?.stop();
    await projector?.stop();
    await store?.close();
    await mongo?.close();
    await esdb?.close();
    runtime?.cleanup();
  });

  it('shows the question page: votes, edits, comments, answers selected first then by votes, authors with points', async () => {
    const { status, body } = await get('/api/v1/questions/q1');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: 'q1',
      title: 'How do I index a join well?',
      category: { id: 'db', slug: 'databases', name: 'Databases' },
      tags: ['sql'],
      votes: { up: 2, down: 0, net: 2 },
      author: { id: 'alice', username: 'Alice', points: 180 },
      edited: { by: { id: 'alice', username: 'Alice', points: 180 }, reason: 'clearer' },
      closed: null,
      selectedAnswerId: 'a1',
      answerCount: 2,
      comments: [{ id: 'c1', author: { id: 'alice', username: 'Alice', points: 180 }, edited: null }],
    });
    expect(body.bodyHtml).toBe('<p>Body of <strong>q1</strong></p>\n');
    expect(body.answers.map((a: any) => [a.id, a.selected, a.votes.net])).toEqual([
      ['a1', true, 0],
      ['a2', false, 1],
    ]);
    expect(body.answers[0]).toMatchObject({
      body: 'Use a **compound** index.',
      bodyHtml: '<p>Use a <strong>compound</strong> index.</p>\n',
      votes: { up: 1, down: 1, net: 0 },
      author: { id: 'bob', username: 'Bob', points: 450 },
      edited: { by: { id: 'bob' }, reason: null },
      comments: [{ id: 'c2', body: 'Comment c2' }],
    });
    expect(new Date(body.askedAt).toISOString()).toBe(body.askedAt);
    expect(JSON.stringify(body)).not.toMatch(/sealed|email|ipHash/i);
  });

  it('answers 404 QUESTION_NOT_FOUND as problem details', async () => {
    const { status, body } = await get('/api/v1/questions/nope');
    expect(status).toBe(404);
    expect(body).toMatchObject({ status: 404, code: 'QUESTION_NOT_FOUND' });
  });

  it('lists questions with every sort, the category subtree, tags, paging and total', async () => {
    const recent = await get('/api/v1/questions');
    expect(recent.body).toMatchObject({ page: 1, pageSize: 20, total: 2 });
    expect(recent.body.items.map((q: any) => q.id)).toEqual(['q2', 'q1']);
    expect(recent.body.items[0]).toMatchObject({ author: { id: null, name: 'anonymous' }, answerCount: 0, selectedAnswerId: null, category: { id: 'tech', slug: 'tech', name: 'Tech' } });
    expect(recent.body.items[1]).toMatchObject({ votes: { net: 2, up: 2, down: 0 }, answerCount: 2, selectedAnswerId: 'a1', author: { username: 'Alice', points: 180 } });
    expect(Object.keys(recent.body.items[1]).sort()).toEqual(
      ['answerCount', 'askedAt', 'author', 'category', 'id', 'lastActivityAt', 'selectedAnswerId', 'tags', 'title', 'votes'].sort(),
    );

    const ids = async (query: string) => (await get(`/api/v1/questions?${query}`)).body.items.map((q: any) => q.id);
    expect(await ids('sort=votes')).toEqual(['q1', 'q2']);
    expect(await ids('sort=answers')).toEqual(['q1', 'q2']);
    expect(await ids('sort=hot')).toEqual(['q1', 'q2']);
    expect(await ids('sort=unanswered')).toEqual(['q2']);
    expect(await ids('category=tech')).toEqual(['q2', 'q1']);
    expect(await ids('category=databases')).toEqual(['q1']);
    expect(await ids('category=unknown')).toEqual([]);
    expect(await ids('tag=sql')).toEqual(['q1']);
    const paged = await get('/api/v1/questions?page=2&pageSize=1');
    expect(paged.body).toMatchObject({ page: 2, pageSize: 1, total: 2 });
    expect(paged.body.items.map((q: any) => q.id)).toEqual(['q1']);
  });

  it('rejects bad list parameters with VALIDATION_FAILED naming each field', async () => {
    const { status, body } = await get('/api/v1/questions?pageSize=101&sort=best&page=0');
    expect(status).toBe(400);
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors.map((e: any) => e.field).sort()).toEqual(['page', 'pageSize', 'sort']);
  });

  it('shows profiles with counts and points by the formula', async () => {
    // bob: 100 + 10 x (4 answer + 30 selected + (min(2,20) - min(2,5)) on a1 + 1 vote cast)
    const bobProfile = await get('/api/v1/users/BOB');
    expect(bobProfile.body).toEqual({
      id: 'bob',
      username: 'Bob',
      level: 0,
      points: 450,
      createdAt: expect.any(String),
      counts: { questions: 0, answers: 1, comments: 1, selectedAnswers: 1, upvotesReceived: 1, downvotesReceived: 1, votesCast: 1 },
    });
    // alice: 100 + 10 x (2 question + 3 selection made + 2 upvotes on q1 + 1 vote cast)
    expect((await get('/api/v1/users/alice')).body.points).toBe(180);
    // carol: 100 + 10 x (4 answer + 2 for dave's upvote on a2 + 2 votes cast)
    expect((await get('/api/v1/users/carol')).body.points).toBe(180);
    expect((await get('/api/v1/users/dave')).body.points).toBe(110);
    expect((await get('/api/v1/users/nobody')).body.code).toBe('USER_NOT_FOUND');

    const top = await get('/api/v1/users?sort=points');
    expect(top.body).toEqual({
      items: [
        { id: 'bob', username: 'Bob', points: 450 },
        { id: 'alice', username: 'Alice', points: 180 },
        { id: 'carol', username: 'Carol', points: 180 },
        { id: 'dave', username: 'Dave', points: 110 },
      ],
      page: 1,
      pageSize: 20,
      total: 4,
    });
  });

  it('explains every point in the reputation ledger', async () => {
    const { body } = await get('/api/v1/users/bob/reputation');
    expect(body.points).toBe(450);
    expect(body.entries.map((e: any) => [e.delta, e.reason, e.postId])).toEqual([
      [100, 'registered', undefined],
      [40, 'answer_posted', 'a1'],
      [10, 'vote_cast', 'q1'],
      [20, 'answer_upvoted', 'a1'],
      [20, 'answer_upvoted', 'a1'],
      [-40, 'answer_downvoted', 'a1'],
      [300, 'answer_selected', 'a1'],
    ]);
    expect(body.entries.reduce((s: number, e: any) => s + e.delta, 0)).toBe(450);
    expect(body.entries[0].eventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('shows the category tree with counts that include sub-categories', async () => {
    const { body } = await get('/api/v1/categories');
    expect(body).toEqual([
      {
        id: 'tech', name: 'Tech', slug: 'tech', description: 'About Tech', questionCount: 2,
        children: [{ id: 'db', name: 'Databases', slug: 'databases', description: 'About Databases', questionCount: 1, children: [] }],
      },
    ]);
  });

  it('lists every revision of a post, oldest first', async () => {
    const { body } = await get('/api/v1/posts/q1/revisions');
    expect(body.map((r: any) => [r.revision, r.title, r.reason, r.by.username])).toEqual([
      [1, 'How do I index a join?', null, 'Alice'],
      [2, 'How do I index a join well?', 'clearer', 'Alice'],
    ]);
    expect((await get('/api/v1/posts/a1/revisions')).body.map((r: any) => r.body)).toEqual(['Answer a1', 'Use a **compound** index.']);
    expect((await get('/api/v1/posts/zzz/revisions')).status).toBe(404);
  });

  it('reads its own writes with X-Wait-For-Position, and refuses a bad one', async () => {
    const position = await append(f.vote(q1, 'dave', -1));
    const { body } = await get('/api/v1/questions/q1', { 'x-wait-for-position': position });
    expect(body.votes).toEqual({ up: 2, down: 1, net: 1 });
    const bad = await get('/api/v1/questions/q1', { 'x-wait-for-position': 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  it('answers 503 PROJECTION_BEHIND when the position is not reached within 5 s', async () => {
    const started = Date.now();
    const { status, body } = await get('/api/v1/categories', { 'x-wait-for-position': '999999999999' });
    expect(status).toBe(503);
    expect(body.code).toBe('PROJECTION_BEHIND');
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
  });
});
