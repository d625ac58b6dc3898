/**
 * What a hostile client may send to the command endpoints: each gets a clear 4xx problem
 * and nothing stored changes (the head of `$all` stays where it was).
 */
import { startCommandApi, type CommandApi } from '../testing/command-api.harness';

describe('hostile input to the command endpoints', () => {
  let api: CommandApi;
  let user: { id: string; username: string; token: string };
  let questionId: string;
  let head: string | null;

  beforeAll(async () => {
    api = await startCommandApi();
    await api.user('owner');
    user = await api.user('mallory');
    questionId = (
      await api.request('POST', '/api/v1/questions', {
        body: { title: 'A perfectly normal question', body: 'Body.' },
      })
    ).body.id;
  });

  beforeEach(async () => {
    head = await api.head();
  });

  afterEach(async () => {
    expect(await api.head()).toBe(head);
  });

  afterAll(async () => {
    await api?.close();
  });

  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it('refuses deeply nested JSON with 400, however deep', async () => {
    for (const depth of [20, 5_000, 200_000]) {
      const response = await api.request('POST', '/api/v1/questions', {
        rawBody: `{"title":"A perfectly normal title","body":"b","extra":${nested(depth)}}`,
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/problem\+json/);
    }
  });

  it('refuses a body over the size limit with 413', async () => {
    const response = await api.request('POST', '/api/v1/questions', {
      body: { title: 'A perfectly normal title', body: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each([
    ['malformed JSON', '{"title": "x",'],
    ['a JSON array', '[{"title":"A perfectly normal title","body":"b"}]'],
    ['a JSON string', '"title"'],
    ['JSON null', 'null'],
    [
      'a prototype-polluting key',
      '{"title":"A perfectly normal title","body":"b","__proto__":{"admin":true}}',
    ],
    [
      'a constructor.prototype key',
      '{"title":"A perfectly normal title","body":"b","constructor":{"prototype":{"x":1}}}',
    ],
  ])('refuses %s with 400', async (_, rawBody) => {
    const response = await api.request('POST', '/api/v1/questions', { rawBody });
    expect(response.status).toBe(400);
    expect(typeof response.body.code).toBe('string');
  });

  it('refuses a form body: the command endpoints take JSON only', async () => {
    const response = await api.request('POST', '/api/v1/questions', {
      rawBody: 'title=A+perfectly+normal+title&body=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    // Form bodies are parsed for the one-click unsubscribe route only.
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it.each([
    ['numbers for strings', { title: 12345678901234, body: 42 }],
    ['objects for strings', { title: { $gt: '' }, body: ['b'] }],
    [
      'a huge tag list',
      { title: 'A perfectly normal title', body: 'b', tags: Array(10_000).fill('x') },
    ],
    ['control characters', { title: 'A perfectly\u0000 normal title', body: 'b\u0007' }],
    ['bidi overrides in the title', { title: 'A normal \u202Etitle reversed', body: 'b' }],
    ['a lone surrogate', { title: 'A perfectly normal \ud800 title', body: 'b' }],
  ])('refuses %s with one 400 naming the fields', async (_, body) => {
    const response = await api.request('POST', '/api/v1/questions', { body });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors.length).toBeGreaterThan(0);
  });

  it('refuses a forged, re-signed, unsigned or expired token with 401', async () => {
    const real = user.token;
    const [header, payload, signature] = real.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const promoted = Buffer.from(JSON.stringify({ ...claims, lvl: 120 })).toString('base64url');
    const unsigned = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const claimsOf = { userId: user.id, username: user.username, level: 0 as const };
    const tokens = {
      tampered: `${header}.${promoted}.${signature}`,
      unsigned: `${unsigned}.${payload}.`,
      otherSecret: await api.signToken(claimsOf, {
        secret: 'some-other-secret-of-sufficient-length-123',
      }),
      garbage: 'definitely.not.a-token',
    };
    for (const [name, token] of Object.entries(tokens)) {
      const response = await api.request('PUT', `/api/v1/questions/${questionId}/vote`, {
        token,
        body: { value: 1 },
      });
      expect([name, response.status, response.body.code]).toEqual([name, 401, 'UNAUTHENTICATED']);
    }
    const expired = await api.signToken(claimsOf, { ageSeconds: 3600, ttlSeconds: 60 });
    const response = await api.request('PUT', `/api/v1/questions/${questionId}/vote`, {
      token: expired,
      body: { value: 1 },
    });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('TOKEN_EXPIRED');
    const malformedHeader = await api.request('PUT', `/api/v1/questions/${questionId}/vote`, {
      headers: { authorization: 'Basic bWFsbG9yeTpwdw==' },
      body: { value: 1 },
    });
    expect(malformedHeader.status).toBe(401);
  });

  it('keeps path ids out of stream names', async () => {
    for (const id of ['..', 'x_y', 'user-1', '%24all', 'A'.repeat(65)]) {
      const response = await api.request('PUT', `/api/v1/questions/${id}/vote`, {
        token: user.token,
        body: { value: 1 },
      });
      expect(response.status).toBe(404);
    }
  });
});
