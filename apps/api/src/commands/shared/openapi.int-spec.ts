import { startCommandApi, type CommandApi } from '../testing/command-api.harness';

/** Every command endpoint of API.md is in the OpenAPI document, with its request body. */
describe('the command endpoints in /api/v1/openapi.json', () => {
  let api: CommandApi;

  beforeAll(async () => {
    api = await startCommandApi();
  });

  afterAll(async () => {
    await api?.close();
  });

  it('documents every route, method and request body', async () => {
    const { status, body: doc } = await api.request('GET', '/api/v1/openapi.json');
    expect(status).toBe(200);
    const expected: Array<[string, string, boolean]> = [
      ['/api/v1/users', 'post', true],
      ['/api/v1/sessions', 'post', true],
      ['/api/v1/users/{username}/level', 'put', true],
      ['/api/v1/categories', 'post', true],
      ['/api/v1/questions', 'post', true],
      ['/api/v1/questions/{id}', 'patch', true],
      ['/api/v1/questions/{id}/answers', 'post', true],
      ['/api/v1/answers/{id}', 'patch', true],
      ['/api/v1/questions/{id}/comments', 'post', true],
      ['/api/v1/answers/{id}/comments', 'post', true],
      ['/api/v1/comments/{id}', 'patch', true],
      ['/api/v1/questions/{id}/selected-answer', 'put', true],
      ['/api/v1/questions/{id}/vote', 'put', true],
      ['/api/v1/answers/{id}/vote', 'put', true],
      ['/api/v1/questions/{id}/close', 'post', true],
      ['/api/v1/questions/{id}/reopen', 'post', false],
      ['/api/v1/{collection}/{id}/hide', 'post', false],
      ['/api/v1/{collection}/{id}/show', 'post', false],
    ];
    for (const [path, method, hasBody] of expected) {
      const operation = doc.paths?.[path]?.[method];
      expect([path, method, operation !== undefined]).toEqual([path, method, true]);
      expect([path, Boolean(operation.requestBody)]).toEqual([path, hasBody]);
    }
    const ask = doc.paths['/api/v1/questions'].post;
    const schema = ask.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['title', 'body']));
    expect(ask.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
  });
});
