/**
 * Question page reads over HTTP on a site of 100,000 questions, the read models in the
 * embedded MongoDB server (its own process), the API in this process and 50 concurrent
 * keep-alive clients in another (bench/support/http-load.ts, node:http); each figure comes
 * with the CPU the API, the MongoDB server and the load generator spent per read:
 *   npm run bench:reads                          (--questions=100000 --clients=50 --seconds=20)
 * Targets: at least 3,000 question pages/s with p99 under 30 ms.
 *
 * The site is built by the real projection (users, categories, questions with answers,
 * comments, votes, selections, edits) and its documents inserted in bulk; the reputation
 * ledger and revisions, which no page read touches, are not stored; the lists' kept totals are.
 */
import { loadavg } from 'node:os';
import { MongoClient, type Document } from 'mongodb';
import { loadConfig } from '@qa/config';
import { MemoryDocSet, ReadModelProjection, ReadModelStore, activeVersion, type ProjectedEvent } from '@qa/read-models';
import { siteStream } from '../libs/read-models/src/testing/site.generator';
import { buildOnce, startEmbedded } from '../libs/read-models/src/testing/embedded-processes';
import { startApi } from '../apps/api/src/api.app';
import { loadInChild } from './support/http-load';
import { loadAverage, processCpu } from './support/server-process';
import { arg } from './support/args';

const QUESTIONS = arg('questions', 100_000);
const CLIENTS = arg('clients', 50);
const SECONDS = arg('seconds', 20);

async function seed(db: ReturnType<MongoClient['db']>): Promise<void> {
  const store = new ReadModelStore(db, await activeVersion(db));
  await store.drop();
  await store.ensureIndexes();
  const docs = new MemoryDocSet();
  const projection = new ReadModelProjection();
  let pos = 0;
  let seq = 0;
  let questions: Document[] = [];
  let posts: Document[] = [];
  const flush = async () => {
    if (questions.length) await store.collection('questions').insertMany(questions as never[], { ordered: false });
    if (posts.length) await store.collection('posts').insertMany(posts as never[], { ordered: false });
    questions = [];
    posts = [];
  };
  const started = Date.now();
  let done = -1;
  for (const chunk of siteStream(7, { users: 5000, questions: QUESTIONS })) {
    for (const e of chunk) {
      pos += 10;
      projection.apply(docs, { ...e, id: `e${seq++}`, revision: 0n, pos } as unknown as ProjectedEvent);
    }
    // a finished question is never touched again: write it out and forget it
    questions.push(...docs.collections.questions.values());
    posts.push(...docs.collections.posts.values());
    for (const c of ['questions', 'posts', 'ledger', 'revisions'] as const) docs.collections[c].clear();
    done += 1;
    if (posts.length >= 5000) {
      await flush();
      if (done % 20000 < 1000) console.log(`  seeded ${done} questions (${Math.round(done / ((Date.now() - started) / 1000))}/s)`);
    }
  }
  await flush();
  await store.collection('users').insertMany([...docs.collections.users.values()] as never[], { ordered: false });
  await store.collection('categories').insertMany([...docs.collections.categories.values()] as never[], { ordered: false });
  // the lists' kept totals (by filter), which the list pages read
  await store.collection('listCounts').insertMany([...docs.collections.listCounts.values()] as never[], { ordered: false });
  console.log(`  seeded ${await store.collection('questions').countDocuments({})} questions, ${await store.collection('posts').countDocuments({})} answers and comments, ${docs.collections.users.size} users in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * One load of CLIENTS clients from their own process, with the CPU each process spent per
 * request over the measured time: the load generator, the API (this process) and the
 * MongoDB server.
 */
async function load(url: string, path: string, seconds: number, mongoPid: number) {
  let api = process.cpuUsage();
  let mongo = processCpu(mongoPid);
  const result = await loadInChild({ url, path, questions: QUESTIONS, clients: CLIENTS, warmupSeconds: 3, seconds }, () => {
    api = process.cpuUsage();
    mongo = processCpu(mongoPid);
  });
  const apiCpu = process.cpuUsage(api);
  const perRequest = (cpuSeconds: number) => (cpuSeconds * 1000) / Math.max(1, result.requests);
  return {
    ...result,
    apiCpuMs: perRequest((apiCpu.user + apiCpu.system) / 1e6),
    mongoCpuMs: perRequest(processCpu(mongoPid) - mongo),
  };
}

function cpuLine(r: Awaited<ReturnType<typeof load>>): string {
  return `CPU per read: API ${r.apiCpuMs.toFixed(2)} ms, MongoDB ${r.mongoCpuMs.toFixed(2)} ms, load generator ${r.cpuMsPerRequest.toFixed(2)} ms; load average ${loadavg()[0].toFixed(2)}`;
}

async function main(): Promise<void> {
  console.log(`bench:reads: ${QUESTIONS} questions, ${CLIENTS} clients, ${SECONDS} s; load average ${loadAverage()}`);
  buildOnce();
  const mongoServer = await startEmbedded('mongodb');
  const mongoUrl = `${mongoServer.url}/qa`;
  const client = await new MongoClient(mongoUrl).connect();
  const esdb = await startEmbedded('eventstoredb', ['--data', ':memory:']);
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'production' });
  const api = await startApi(
    {
      config,
      eventStoreUrl: esdb.url,
      mongoUrl,
      redisUrl: config.redisUrl,
      smtpUrl: 'smtp://127.0.0.1:9',
      embedded: false,
      secrets: { jwtSecret: 'b'.repeat(32), hashKey: 'b'.repeat(32), unsubscribeSecret: 'b'.repeat(32) },
    },
    { prettyLogs: false },
  );
  try {
    await seed(client.db('qa'));
    const mongoPid = mongoServer.child.pid!;
    const page = await load(api.url, '/api/v1/questions/{q}', SECONDS, mongoPid);
    const ok = page.perSecond >= 3000 && page.p99 < 30 && page.errors === 0;
    console.log(
      `question page: ${page.perSecond.toFixed(0)} reads/s (target >= 3000), p50 ${page.p50.toFixed(1)} ms, p99 ${page.p99.toFixed(1)} ms (target < 30), ${page.errors} errors ${ok ? 'ok' : 'MISSED'}`,
    );
    console.log(`  ${cpuLine(page)}`);
    const list = await load(api.url, '/api/v1/questions?sort=hot&page={p}', Math.max(5, Math.round(SECONDS / 2)), mongoPid);
    console.log(`hot list pages: ${list.perSecond.toFixed(0)} reads/s, p50 ${list.p50.toFixed(1)} ms, p99 ${list.p99.toFixed(1)} ms, ${list.errors} errors`);
    console.log(`  ${cpuLine(list)}`);
  } finally {
    await api.stop();
    await client.close();
    await mongoServer.stop();
    await esdb.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
