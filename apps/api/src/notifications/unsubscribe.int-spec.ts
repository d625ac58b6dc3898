/**
 * The unsubscribe endpoints on the real API (Nest on Fastify) with the embedded MongoDB:
 * RFC 8058 one-click POST, the link's GET, and forged tokens refused with problem details.
 */
import { createUnsubscribeToken, UnsubscribeStore } from '@qa/notifications';
import { hashEmail } from '@qa/common';
import { MongoClient } from 'mongodb';
import { startMongoDbServer } from '../../../../libs/embedded/src/mongodb';
import { testRuntime } from '../../../../test/support/test-runtime';
import type { TestRuntime } from '../../../../test/support/test-runtime';
import { startApi } from '../api.app';
import type { RunningApi } from '../api.app';

jest.setTimeout(30_000);

describe('unsubscribe endpoints', () => {
  let mongoServer: { url: string; close(): Promise<void> };
  let runtime: TestRuntime;
  let api: RunningApi;
  let mongo: MongoClient;
  let store: UnsubscribeStore;

  const tokenFor = (email: string) =>
    createUnsubscribeToken(
      runtime.secrets.unsubscribeSecret,
      hashEmail(runtime.secrets.hashKey, email),
    );

  beforeAll(async () => {
    mongoServer = await startMongoDbServer({ port: 0 });
    runtime = testRuntime({}, { mongoUrl: `${mongoServer.url}/qa` });
    api = await startApi(runtime, { prettyLogs: false });
    mongo = new MongoClient(runtime.mongoUrl);
    await mongo.connect();
    store = new UnsubscribeStore(mongo.db('qa'));
  });

  afterAll(async () => {
    await api?.stop();
    await mongo?.close();
    await mongoServer?.close();
    runtime?.cleanup();
  });

  it('one-click POST (RFC 8058) answers 200 without a redirect and stops mail to the address', async () => {
    const hash = hashEmail(runtime.secrets.hashKey, 'jane@example.com');
    expect(await store.isUnsubscribed(hash)).toBe(false);
    const res = await fetch(
      `${api.url}/api/v1/notifications/unsubscribe?token=${tokenFor('jane@example.com')}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
        redirect: 'manual',
      },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ unsubscribed: true });
    expect(await store.isUnsubscribed(hash)).toBe(true);
    expect(await store.isUnsubscribed(hashEmail(runtime.secrets.hashKey, 'joe@example.com'))).toBe(
      false,
    );
  });

  it('accepts the one-click POST as multipart/form-data too, and twice', async () => {
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    for (let i = 0; i < 2; i++) {
      const res = await fetch(
        `${api.url}/api/v1/notifications/unsubscribe?token=${tokenFor('multi@example.com')}`,
        { method: 'POST', body: form },
      );
      expect(res.status).toBe(200);
    }
    expect(
      await store.isUnsubscribed(hashEmail(runtime.secrets.hashKey, 'MULTI@example.com')),
    ).toBe(true);
  });

  it('takes a form body on the unsubscribe route only: other routes answer 415', async () => {
    const res = await fetch(`${api.url}/api/v1/questions`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'title=A+perfectly+normal+title&body=b',
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('GET from the link shows a confirmation page', async () => {
    const res = await fetch(
      `${api.url}/api/v1/notifications/unsubscribe?token=${tokenFor('link@example.com')}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await res.text();
    expect(page).toContain('You are unsubscribed');
    expect(page).not.toContain('link@example.com');
    expect(await store.isUnsubscribed(hashEmail(runtime.secrets.hashKey, 'link@example.com'))).toBe(
      true,
    );
  });

  it('GET answers JSON to clients that ask for it', async () => {
    const res = await fetch(
      `${api.url}/api/v1/notifications/unsubscribe?token=${tokenFor('j@example.com')}`,
      {
        headers: { accept: 'application/json' },
      },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ unsubscribed: true });
  });

  it.each([
    ['a forged token', 'A'.repeat(86)],
    ['a truncated token', 'abc'],
    ['no token', null],
  ])('refuses %s with 400 INVALID_UNSUBSCRIBE_TOKEN', async (_what, token) => {
    for (const method of ['GET', 'POST']) {
      const url = `${api.url}/api/v1/notifications/unsubscribe${token === null ? '' : `?token=${token}`}`;
      const res = await fetch(url, { method });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status: 400, code: 'INVALID_UNSUBSCRIBE_TOKEN' });
    }
  });

  it('refuses a token signed with another secret', async () => {
    const forged = createUnsubscribeToken(
      'not-the-secret',
      hashEmail(runtime.secrets.hashKey, 'x@example.com'),
    );
    const res = await fetch(`${api.url}/api/v1/notifications/unsubscribe?token=${forged}`, {
      method: 'POST',
    });
    expect(res.status).toBe(400);
    expect(await store.isUnsubscribed(hashEmail(runtime.secrets.hashKey, 'x@example.com'))).toBe(
      false,
    );
  });
});
