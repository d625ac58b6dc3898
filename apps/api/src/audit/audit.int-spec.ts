/**
 * The audit endpoints end to end: the real API (commands, queries, audit) and the projector
 * on the embedded EventStoreDB and MongoDB servers, users registered and posts written
 * through the API, every answer checked as a client sees it.
 */
import { PersonalDataVault } from '@qa/common';
import type { QuestionEdited, UserRegistered } from '@qa/domain';
import { startEventStoreDbServer, startMongoDbServer } from '@qa/embedded';
import { EventStoreDbAdapter } from '@qa/event-store';
import { testRuntime, type TestRuntime } from '../../../../test/support/test-runtime';
import { startProjector, type RunningProjector } from '../../../projector/src/projector.app';
import { startApi, type RunningApi } from '../api.app';

jest.setTimeout(60_000);

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('audit over HTTP', () => {
  let esdb: Awaited<ReturnType<typeof startEventStoreDbServer>>;
  let mongo: Awaited<ReturnType<typeof startMongoDbServer>>;
  let runtime: TestRuntime;
  let projector: RunningProjector;
  let api: RunningApi;
  let store: EventStoreDbAdapter;
  let last = '0';
  const users: Record<string, { id: string; token: string }> = {};

  const request = async (
    method: string,
    path: string,
    options: { token?: string; body?: unknown } = {},
  ) => {
    const headers: Record<string, string> = { 'x-wait-for-position': last };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    const body = text ? JSON.parse(text) : undefined;
    if (typeof body?.position === 'string') last = body.position;
    return { status: res.status, body };
  };
  const register = async (name: string) => {
    const created = await request('POST', '/api/v1/users', {
      body: { username: name, email: `${name}@example.com`, password: 'correct horse battery' },
    });
    expect(created.status).toBe(201);
    const session = await request('POST', '/api/v1/sessions', {
      body: { login: name, password: 'correct horse battery' },
    });
    users[name] = { id: created.body.id, token: session.body.token };
  };

  beforeAll(async () => {
    esdb = await startEventStoreDbServer({ port: 0, data: ':memory:' });
    mongo = await startMongoDbServer({ port: 0 });
    runtime = testRuntime(
      {},
      { eventStoreUrl: esdb.url, mongoUrl: `${mongo.url.replace(/\/?$/, '')}/qa` },
    );
    store = new EventStoreDbAdapter(runtime.eventStoreUrl);
    projector = await startProjector(runtime);
    api = await startApi(runtime, { prettyLogs: false });
    for (const name of ['root', 'ann', 'bob']) await register(name);
  });

  afterAll(async () => {
    await api?.stop();
    await projector?.stop();
    await store?.close();
    await mongo?.close();
    await esdb?.close();
    runtime?.cleanup();
  });

  describe('revisions, diffs and restore', () => {
    let id: string;
    const times: string[] = [];

    beforeAll(async () => {
      const asked = await request('POST', '/api/v1/questions', {
        token: users.ann.token,
        body: {
          title: 'How do I keep sourdough alive?',
          body: 'My starter dies every week.',
          tags: ['bread'],
        },
      });
      id = asked.body.id;
      times.push(new Date().toISOString());
      await pause(5);
      await request('PATCH', `/api/v1/questions/${id}`, {
        token: users.ann.token,
        body: { body: 'My starter dies every few days.', reason: 'precise' },
      });
      times.push(new Date().toISOString());
      await pause(5);
      await request('PATCH', `/api/v1/questions/${id}`, {
        token: users.ann.token,
        body: { title: 'How do I keep a sourdough starter alive?', tags: ['bread', 'sourdough'] },
      });
      times.push(new Date().toISOString());
    });

    it('lists every revision oldest first, each with its diff from the one before', async () => {
      const { status, body } = await request('GET', `/api/v1/posts/${id}/revisions`);
      expect(status).toBe(200);
      expect(body.map((r: { revision: number }) => r.revision)).toEqual([1, 2, 3]);
      expect(body[0].diff).toBeUndefined();
      expect(body[1]).toMatchObject({
        reason: 'precise',
        body: 'My starter dies every few days.',
        by: { id: users.ann.id, username: 'ann' },
      });
      expect(body[1].diff).toEqual({
        body: [
          { op: 'equal', text: 'My starter dies every ' },
          { op: 'delete', text: 'week' },
          { op: 'insert', text: 'few days' },
          { op: 'equal', text: '.' },
        ],
      });
      expect(body[2].diff.tags).toEqual({ added: ['sourdough'], removed: [] });
      expect(
        body[2].diff.title
          .filter((p: { op: string }) => p.op === 'insert')
          .map((p: { text: string }) => p.text.trim()),
      ).toEqual(['a', 'starter']);
      expect(body[2].diff.body).toBeUndefined();
    });

    it("refuses someone else's restore, and a revision that does not exist", async () => {
      expect(
        (
          await request('POST', `/api/v1/posts/${id}/revisions/1/restore`, {
            token: users.bob.token,
          })
        ).body.code,
      ).toBe('FORBIDDEN');
      expect((await request('POST', `/api/v1/posts/${id}/revisions/1/restore`)).status).toBe(401);
      const missing = await request('POST', `/api/v1/posts/${id}/revisions/9/restore`, {
        token: users.ann.token,
      });
      expect([missing.status, missing.body.code]).toEqual([404, 'REVISION_NOT_FOUND']);
      expect(
        (
          await request('POST', `/api/v1/posts/nosuchpost/revisions/1/restore`, {
            token: users.ann.token,
          })
        ).body.code,
      ).toBe('POST_NOT_FOUND');
      expect(
        (
          await request('POST', `/api/v1/posts/${id}/revisions/zero/restore`, {
            token: users.ann.token,
          })
        ).status,
      ).toBe(400);
    });

    it('restores an earlier revision as a new edit and keeps the whole history', async () => {
      const restored = await request('POST', `/api/v1/posts/${id}/revisions/1/restore`, {
        token: users.ann.token,
      });
      expect(restored).toEqual({
        status: 200,
        body: { id, position: expect.stringMatching(/^\d+$/) },
      });
      const events = await store.readStream(`question-${id}`);
      expect(events.map((e) => e.type)).toEqual([
        'QuestionAsked',
        'QuestionEdited',
        'QuestionEdited',
        'QuestionEdited',
      ]);
      expect((events[3].data as QuestionEdited['data']).restoredRevision).toBe(1);

      const { body } = await request('GET', `/api/v1/posts/${id}/revisions`);
      expect(body.map((r: { revision: number }) => r.revision)).toEqual([1, 2, 3, 4]);
      expect(body[3]).toMatchObject({
        title: 'How do I keep sourdough alive?',
        body: 'My starter dies every week.',
        tags: ['bread'],
        reason: 'Rolled back to revision 1',
      });
      expect(body[2].title).toBe('How do I keep a sourdough starter alive?');
      const page = await request('GET', `/api/v1/questions/${id}`);
      expect(page.body).toMatchObject({
        title: 'How do I keep sourdough alive?',
        body: 'My starter dies every week.',
        tags: ['bread'],
      });
    });

    it('shows the page as it stood at each time, from the history', async () => {
      const at = async (t: string) =>
        request('GET', `/api/v1/questions/${id}?asOf=${encodeURIComponent(t)}`);
      expect((await at(times[0])).body).toMatchObject({
        title: 'How do I keep sourdough alive?',
        body: 'My starter dies every week.',
        edited: null,
      });
      expect((await at(times[1])).body).toMatchObject({
        body: 'My starter dies every few days.',
        edited: { reason: 'precise' },
      });
      expect((await at(times[2])).body).toMatchObject({
        title: 'How do I keep a sourdough starter alive?',
        tags: ['bread', 'sourdough'],
      });
      const before = await at('2000-01-01T00:00:00Z');
      expect([before.status, before.body.code]).toEqual([404, 'QUESTION_NOT_FOUND']);
      const bad = await at('last tuesday');
      expect([bad.status, bad.body.code, bad.body.errors[0].field]).toEqual([
        400,
        'VALIDATION_FAILED',
        'asOf',
      ]);
      // as of now it is the live page
      const live = await request('GET', `/api/v1/questions/${id}`);
      expect((await at(new Date(Date.now() + 1000).toISOString())).body).toEqual(live.body);
    });
  });

  describe('raw streams', () => {
    it('shows an admin the events with metadata and nothing personal', async () => {
      const { status, body } = await request('GET', `/api/v1/audit/streams/user-${users.ann.id}`, {
        token: users.root.token,
      });
      expect(status).toBe(200);
      const [registered] = body.events;
      expect(registered).toMatchObject({
        type: 'UserRegistered',
        stream: `user-${users.ann.id}`,
        revision: '0',
        position: expect.stringMatching(/^\d+$/),
        data: {
          userId: users.ann.id,
          username: 'ann',
          email: '[redacted]',
          emailHash: '[redacted]',
          passwordHash: '[redacted]',
        },
        metadata: {
          actor: 'anonymous',
          correlationId: expect.any(String),
          causationId: expect.any(String),
          at: expect.any(String),
          ipHash: '[redacted]',
        },
      });
      expect(JSON.stringify(body)).not.toContain('example.com');
    });

    it('refuses non-admins, never shows key streams and answers 404 for unknown streams', async () => {
      expect(
        (
          await request('GET', `/api/v1/audit/streams/user-${users.ann.id}`, {
            token: users.ann.token,
          })
        ).status,
      ).toBe(403);
      expect((await request('GET', `/api/v1/audit/streams/user-${users.ann.id}`)).status).toBe(401);
      expect(
        (
          await request('GET', `/api/v1/audit/streams/subjectkey-${users.ann.id}`, {
            token: users.root.token,
          })
        ).status,
      ).toBe(403);
      const missing = await request('GET', '/api/v1/audit/streams/question-nothere', {
        token: users.root.token,
      });
      expect([missing.status, missing.body.code]).toEqual([404, 'STREAM_NOT_FOUND']);
    });
  });

  describe('erasure', () => {
    it("lets only the user or an admin erase, and then nothing can open the user's address", async () => {
      const vault = new PersonalDataVault(store, { hashKey: runtime.secrets.hashKey });
      const [registered] = await store.readStream(`user-${users.bob.id}`);
      const sealed = (registered.data as UserRegistered['data']).email;
      expect(await vault.open(sealed)).toBe('bob@example.com');

      const refused = await request('DELETE', `/api/v1/users/bob/personal-data`, {
        token: users.ann.token,
      });
      expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
      expect(
        (await request('DELETE', `/api/v1/users/nobody/personal-data`, { token: users.root.token }))
          .status,
      ).toBe(404);

      const erased = await request('DELETE', `/api/v1/users/bob/personal-data`, {
        token: users.bob.token,
      });
      expect(erased.status).toBe(204);
      expect(
        await new PersonalDataVault(store, { hashKey: runtime.secrets.hashKey }).open(sealed),
      ).toBeNull();
      const events = await store.readStream(`user-${users.bob.id}`);
      expect(events.at(-1)).toMatchObject({
        type: 'UserPersonalDataErased',
        data: { userId: users.bob.id, erasedBy: users.bob.id },
      });
      // again: nothing more to erase, nothing appended
      expect(
        (await request('DELETE', `/api/v1/users/bob/personal-data`, { token: users.root.token }))
          .status,
      ).toBe(204);
      expect(await store.readStream(`user-${users.bob.id}`)).toHaveLength(events.length);
      // the profile and pages are intact
      const profile = await request('GET', '/api/v1/users/bob');
      expect(profile.body).toMatchObject({ username: 'bob', points: 100 });
    });
  });
});
