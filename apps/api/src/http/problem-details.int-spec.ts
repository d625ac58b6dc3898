/**
 * What a client sees when a request goes wrong, over a real socket: problem details with a
 * stable code for invalid fields, unknown routes, malformed JSON, oversized bodies and bugs.
 */
import { Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { testRuntime, type TestRuntime } from '../../../../test/support/test-runtime';
import { startApi, type RunningApi } from '../api.app';
import { ZodBody } from './zod-validation.pipe';
import { z } from 'zod';

const ProbeBody = z.object({
  title: z.string().min(10, 'must be at least 10 characters'),
  tags: z.array(z.string().max(5, 'must be at most 5 characters')).max(3),
});

@Controller('probe')
class ProbeController {
  @Post()
  @HttpCode(200)
  accept(@ZodBody(ProbeBody) body: z.infer<typeof ProbeBody>) {
    return { ok: true, title: body.title };
  }

  @Get('bug')
  bug(): never {
    throw new Error('secret internal detail at /srv/app/db.ts:12');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors: Array<{ field: string; message: string }>;
}

describe('problem details over HTTP', () => {
  let runtime: TestRuntime;
  let api: RunningApi;

  beforeAll(async () => {
    runtime = testRuntime({ BODY_LIMIT_BYTES: '2048' });
    api = await startApi(runtime, { modules: [ProbeModule], prettyLogs: false });
  });

  afterAll(async () => {
    await api?.stop();
    runtime?.cleanup();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('accepts a valid body', async () => {
    const res = await post('/probe', JSON.stringify({ title: 'A long enough title', tags: ['a'] }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, title: 'A long enough title' });
  });

  it('lists every invalid field in one 400 VALIDATION_FAILED', async () => {
    const res = await post(
      '/probe',
      JSON.stringify({ title: 'short', tags: ['ok', 'far too long'] }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await res.json()) as Problem;
    expect(body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', title: 'Bad Request' });
    expect(typeof body.type).toBe('string');
    expect(typeof body.detail).toBe('string');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { field: 'title', message: 'must be at least 10 characters' },
        { field: 'tags.1', message: 'must be at most 5 characters' },
      ]),
    );
    expect(body.errors).toHaveLength(2);
  });

  it('treats a missing body as empty and names the missing fields', async () => {
    const res = await fetch(`${api.url}/probe`, { method: 'POST' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Problem;
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors.map((e) => e.field).sort()).toEqual(['tags', 'title']);
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND', async () => {
    const res = await fetch(`${api.url}/api/v1/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await post('/probe', '{"title": "unterminated');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await post('/probe', JSON.stringify({ title: 'x'.repeat(4096), tags: [] }));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers a body that is not JSON with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await post('/probe', 'title: hello', {
      'content-type': 'text/plain',
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('hides the details of a bug behind 500 INTERNAL_ERROR', async () => {
    const res = await fetch(`${api.url}/probe/bug`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(text).not.toContain('secret internal detail');
  });

  it('echoes a request id, generating one when none is sent', async () => {
    const given = await fetch(`${api.url}/health`, { headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-123');
    const generated = await fetch(`${api.url}/health`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
