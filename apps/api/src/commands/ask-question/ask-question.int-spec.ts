import { renderMarkdown } from '@qa/common';
import { startCommandApi, type CommandApi } from '../testing/command-api.harness';

describe('POST /api/v1/questions', () => {
  let api: CommandApi;
  let alice: { id: string; token: string };

  const valid = { title: 'How do I fold an event stream?', body: 'I have **events**.' };

  beforeAll(async () => {
    api = await startCommandApi();
    alice = await api.user('alice');
  });

  afterAll(async () => {
    await api?.close();
  });

  it('lets a registered user ask, with normalised tags, and answers 201 { id, position }', async () => {
    const response = await api.request('POST', '/api/v1/questions', {
      token: alice.token,
      body: { ...valid, tags: ['TypeScript', 'event-sourcing', 'typescript'] },
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[a-z0-9]+$/),
      position: expect.stringMatching(/^\d+$/),
    });
    const [asked] = await api.events(`question-${response.body.id}`);
    expect(asked.type).toBe('QuestionAsked');
    expect(asked.data).toMatchObject({
      title: valid.title,
      tags: ['typescript', 'event-sourcing'],
      author: { kind: 'user', userId: alice.id, username: 'alice' },
      notify: { notify: true, email: null },
      category: null,
    });
    expect(asked.metadata).toMatchObject({ actor: alice.id });
    expect(asked.position.commit.toString()).toBe(response.body.position);
  });

  it('lets an anonymous poster ask with a name and an email that is stored sealed', async () => {
    const response = await api.request('POST', '/api/v1/questions', {
      body: { ...valid, name: 'Visitor', email: 'visitor@example.com' },
    });
    expect(response.status).toBe(201);
    const [asked] = await api.events(`question-${response.body.id}`);
    expect(asked.data).toMatchObject({
      author: { kind: 'anonymous', name: 'Visitor', ipHash: api.localIpHash },
      notify: { notify: true, email: { subject: expect.stringMatching(/^anon/) } },
    });
    expect(JSON.stringify([asked.data, asked.metadata])).not.toContain('visitor@example.com');
    expect(asked.metadata).toMatchObject({ actor: 'anonymous', ipHash: api.localIpHash });
  });

  it('refuses an email from a registered user: they are notified at their account address', async () => {
    const before = await api.head();
    const response = await api.request('POST', '/api/v1/questions', {
      token: alice.token,
      body: { ...valid, email: 'alice@elsewhere.example' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'email', message: expect.any(String) }]);
    expect(await api.head()).toBe(before);
  });

  it('lists every bad field in one 400, wrong types included, and stores nothing', async () => {
    const before = await api.head();
    const response = await api.request('POST', '/api/v1/questions', {
      body: {
        title: 'short',
        body: '',
        tags: ['ok', 'no spaces allowed'],
        categoryId: 'bad-id!',
        notify: 'yes',
        email: 7,
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
      ['body', 'categoryId', 'email', 'notify', 'tags', 'title'].sort(),
    );
    const tooMany = await api.request('POST', '/api/v1/questions', {
      body: { ...valid, tags: ['a', 'b', 'c', 'd', 'e', 'f'] },
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].field).toBe('tags');
    const longBody = await api.request('POST', '/api/v1/questions', {
      body: { ...valid, body: 'x'.repeat(12_001) },
    });
    expect(longBody.status).toBe(400);
    expect(await api.head()).toBe(before);
  });

  it.each([
    ['an uppercase-only difference', ['Node', 'node'], ['node']],
    ['Unicode letters', ['café'], null],
    ['an emoji', ['🚀'], null],
    ['a zero-width space', ['no\u200bde'], null],
    ['41 characters', ['a'.repeat(41)], null],
    ['an empty tag', [''], null],
  ])('handles a tag with %s', async (_, tags, stored) => {
    const response = await api.request('POST', '/api/v1/questions', {
      token: alice.token,
      body: { ...valid, tags },
    });
    if (stored === null) {
      expect(response.status).toBe(400);
      expect(response.body.errors[0].field).toBe('tags');
    } else {
      expect(response.status).toBe(201);
      const [asked] = await api.events(`question-${response.body.id}`);
      expect((asked.data as { tags: string[] }).tags).toEqual(stored);
    }
  });

  it('answers 404 CATEGORY_NOT_FOUND for a category that does not exist', async () => {
    const response = await api.request('POST', '/api/v1/questions', {
      token: alice.token,
      body: { ...valid, categoryId: 'nosuchcategory' },
    });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('CATEGORY_NOT_FOUND');
  });

  it('stores what was typed and renders it harmless', async () => {
    const body = '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>';
    const response = await api.request('POST', '/api/v1/questions', {
      token: alice.token,
      body: { title: 'An <b onmouseover=alert(1)>XSS</b> title', body },
    });
    expect(response.status).toBe(201);
    const [asked] = await api.events(`question-${response.body.id}`);
    expect((asked.data as { body: string }).body).toBe(body);
    const html = renderMarkdown((asked.data as { body: string }).body);
    expect(html).not.toMatch(/<script|<img|href="javascript:/i);
    expect(html).not.toMatch(/<[a-z][^>]*\son\w+=/i);
    expect(html).toContain('&lt;script&gt;');
  });

  it('answers a replayed Idempotency-Key with the same id and position, appending nothing', async () => {
    const headers = { 'idempotency-key': '0b9d7c52-6a3e-4f1b-9c2d-5e8f7a6b4c3d' };
    const first = await api.request('POST', '/api/v1/questions', {
      token: alice.token,
      body: valid,
      headers,
    });
    expect(first.status).toBe(201);
    const head = await api.head();
    const again = await api.request('POST', '/api/v1/questions', {
      token: alice.token,
      body: valid,
      headers,
    });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await api.head()).toBe(head);
    // The same key from someone else is their own request.
    const other = await api.request('POST', '/api/v1/questions', { body: valid, headers });
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('limits anonymous posting per IP with 429 and Retry-After, but not registered users', async () => {
    await api.spendRateLimit('anonymousPostsPerIp', api.localIpHash, 150);
    const before = await api.head();
    const refused = await api.request('POST', '/api/v1/questions', { body: valid });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
    expect(await api.head()).toBe(before);
    const registered = await api.request('POST', '/api/v1/questions', {
      token: alice.token,
      body: valid,
    });
    expect(registered.status).toBe(201);
  });
});
