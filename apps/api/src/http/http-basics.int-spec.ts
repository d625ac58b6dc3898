/**
 * The HTTP basics against the real servers (embedded EventStoreDB and MongoDB, the SMTP
 * sink, the shared Redis): health and readiness, the OpenAPI document and /docs, security
 * headers, and the /dev/mail mailbox showing a message sent through nodemailer.
 */
import {
  startEventStoreDbServer,
  startMongoDbServer,
  startSmtpSink,
  type SmtpSink,
} from '@qa/embedded';
import nodemailer from 'nodemailer';
import { freePort } from '../../../../test/support/free-port';
import { testRuntime, type TestRuntime } from '../../../../test/support/test-runtime';
import { startApi, type RunningApi } from '../api.app';

type Server = { url: string; close(): Promise<void> };

describe('HTTP basics', () => {
  let esdb: Server;
  let mongo: Server;
  let sink: SmtpSink;
  let runtime: TestRuntime;
  let api: RunningApi;

  beforeAll(async () => {
    esdb = await startEventStoreDbServer({ port: 0 });
    mongo = await startMongoDbServer({ port: 0 });
    runtime = testRuntime();
    sink = await startSmtpSink({ port: 0, dir: `${runtime.config.dataDir}/mail` });
    runtime.eventStoreUrl = esdb.url;
    runtime.mongoUrl = `${mongo.url}/qa`;
    runtime.smtpUrl = sink.url;
    runtime.mailboxDir = sink.dir;
    runtime.embedded = true;
    api = await startApi(runtime, { prettyLogs: false });
  });

  afterAll(async () => {
    await api?.stop();
    await sink?.close();
    await mongo?.close();
    await esdb?.close();
    runtime?.cleanup();
  });

  it('answers /health while serving', async () => {
    const res = await fetch(`${api.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when EventStoreDB, MongoDB and Redis answer', async () => {
    const res = await fetch(`${api.url}/health/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; info: Record<string, { status: string }> };
    expect(body.status).toBe('ok');
    expect(Object.keys(body.info).sort()).toEqual(['eventstoredb', 'mongodb', 'redis']);
  });

  it('says 503 NOT_READY naming what does not answer', async () => {
    const other = testRuntime(
      {},
      {
        eventStoreUrl: esdb.url,
        mongoUrl: `${mongo.url}/qa`,
        redisUrl: `redis://127.0.0.1:${await freePort()}`,
      },
    );
    const lonely = await startApi(other, { prettyLogs: false });
    try {
      const res = await fetch(`${lonely.url}/health/ready`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = (await res.json()) as { code: string; detail: string };
      expect(body.code).toBe('NOT_READY');
      expect(body.detail).toMatch(/redis/);
      expect(body.detail).not.toMatch(/mongodb|eventstoredb/);
    } finally {
      await lonely.stop();
      other.cleanup();
    }
  });

  it('publishes the OpenAPI document and a browsable reference that works offline', async () => {
    const doc = await fetch(`${api.url}/api/v1/openapi.json`);
    expect(doc.status).toBe(200);
    const openapi = (await doc.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi).toMatch(/^3\./);
    expect(openapi.paths).toHaveProperty('/health/ready');
    expect(openapi.paths).not.toHaveProperty('/dev/mail');

    const page = await fetch(`${api.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset.startsWith('/docs/')).toBe(true);
      const res = await fetch(`${api.url}${asset}`);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    const init = await (await fetch(`${api.url}/docs/docs-initializer.js`)).text();
    expect(init).toContain('/api/v1/openapi.json');
  });

  it('sends security headers', async () => {
    const res = await fetch(`${api.url}/health`);
    await res.arrayBuffer();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('shows what the sink received at /dev/mail, escaped and sandboxed', async () => {
    const transport = nodemailer.createTransport({ url: sink.url } as never);
    try {
      await transport.sendMail({
        from: 'Q&A <noreply@localhost>',
        to: 'reader@example.org',
        subject: 'New answer to <your> question',
        text: 'Someone answered: "use a whisk"',
        html: '<p>Someone answered</p><script>alert(1)</script>',
      });
    } finally {
      transport.close();
    }

    const list = await fetch(`${api.url}/dev/mail`);
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toMatch(/^text\/html/);
    const listing = await list.text();
    expect(listing).toContain('reader@example.org');
    expect(listing).toContain('New answer to &lt;your&gt; question');
    const link = listing.match(/href="(\/dev\/mail\/[0-9a-f-]+)"/);
    expect(link).not.toBeNull();

    const page = await (await fetch(`${api.url}${link![1]}`)).text();
    expect(page).toContain('Someone answered: &quot;use a whisk&quot;');
    expect(page).toMatch(/<iframe sandbox="" [^>]*srcdoc="[^"]*&lt;script&gt;/);
    expect(page).not.toContain('<script>alert(1)</script>');
  });

  it('answers an unknown message with a 404 problem', async () => {
    const res = await fetch(`${api.url}/dev/mail/000000000000000-deadbeef`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
  });
});
