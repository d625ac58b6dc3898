/**
 * Throughput, latency and memory of the embedded MongoDB-protocol server, measured with the
 * real `mongodb` driver against the server running in its own child process:
 *   npm run bench:mongodb              (DOCS=100000 by default: --docs=N to change)
 * Prints one line per figure with the target it is held to, and the machine's load average,
 * since on a shared machine round-trip figures depend on it. The growth case rebuilds a read
 * model into a fresh collection with four secondary indexes and prints the cost of one write
 * at 10k, 100k and 300k documents: rebuilding from the event store needs that cost to stay
 * flat (--growth=N sets the largest size, --growth-only runs only that case). The shapes case
 * sends the read side's commands (a question page's three reads, a sorted list page, a
 * writer's `$in` load and guarded bulk writes) 16 at a time and prints the server's CPU per
 * command, which unlike round trips does not depend on what else the machine runs
 * (--shapes-only runs only that case).
 */
import { cpus } from 'node:os';
import { MongoClient, type AnyBulkWriteOperation } from 'mongodb';
import { loadAverage, processCpu, rssMb } from './support/server-process';
import {
  buildOnce,
  startEmbedded,
  type ServerProcess,
} from '../libs/read-models/src/testing/embedded-processes';
import { arg } from './support/args';

const DOCS = arg('docs', 100_000);
const SEQUENTIAL_UPDATES = 10_000;
const BULK_UPSERTS = 10_000;
const LOOKUPS = 2_000;
const PAGES = 500;
const GROWTH_MAX = arg('growth', 300_000);
const GROWTH_ONLY = process.argv.includes('--growth-only');
const SHAPES_ONLY = process.argv.includes('--shapes-only');
const SHAPE_COMMANDS = 5000;
const SHAPE_CONCURRENCY = 16;
const GROWTH_BATCH = 1000;
const GROWTH_SAMPLE_BATCHES = 5;

/**
 * The server runs from the build, as `npm run embedded -- mongodb` runs it, so its memory
 * figure does not include the TypeScript compiler that the require hook would load.
 */
function startServer(): Promise<ServerProcess> {
  buildOnce();
  return startEmbedded('mongodb');
}

function report(name: string, value: number, unit: string, target: string, ok: boolean): void {
  console.log(
    `${name.padEnd(56)} ${value.toFixed(unit === 'ms' ? 3 : unit === 'us/op' ? 1 : 0).padStart(12)} ${unit.padEnd(7)} target ${target.padEnd(10)} ${ok ? 'ok' : 'MISSED'}`,
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const WORDS = [
  'question',
  'answer',
  'vote',
  'comment',
  'category',
  'points',
  'edit',
  'user',
  'tag',
  'close',
];

/** A document of about 1 KB, shaped like a question page read model. */
function questionDoc(i: number) {
  let body = '';
  for (let w = 0; body.length < 760; w++)
    body += `${WORDS[(i * 7 + w * 3) % WORDS.length]}${(i + w) % 97} `;
  return {
    _id: `q-${i}`,
    slug: `question-number-${i}`,
    title: `How do I ask question number ${i} properly?`,
    authorId: `u-${i % 5000}`,
    categoryId: `c-${i % 40}`,
    createdAt: new Date(1_700_000_000_000 + i * 60_000),
    votes: i % 113,
    answers: i % 9,
    tags: [WORDS[i % 10], WORDS[(i + 3) % 10], WORDS[(i + 5) % 10]],
    body,
    revision: 1,
  };
}

/** An id that lands anywhere in the `_id` order, as UUIDs of a real read model do. */
function scatteredId(i: number): string {
  return `${(Math.imul(i, 2654435761) >>> 0).toString(36).padStart(7, '0')}-${i}`;
}

interface GrowthDoc {
  _id: string;
  slug: string;
  authorId: string;
  categoryId: string;
  createdAt: Date;
  votes: number;
  title: string;
}

function growthFields(i: number): Omit<GrowthDoc, '_id'> {
  return {
    slug: `slug-${scatteredId(i)}`,
    authorId: `u-${i % 5000}`,
    categoryId: `c-${i % 40}`,
    createdAt: new Date(1_700_000_000_000 + i * 60_000),
    votes: i % 113,
    title: `How do I ask question number ${i} properly?`,
  };
}

/** Milliseconds per operation of one bulkWrite (one round trip of GROWTH_BATCH operations). */
async function timedBulk(
  coll: import('mongodb').Collection<GrowthDoc>,
  ops: AnyBulkWriteOperation<GrowthDoc>[],
): Promise<number> {
  const started = process.hrtime.bigint();
  await coll.bulkWrite(ops, { ordered: true });
  return Number(process.hrtime.bigint() - started) / 1e6 / ops.length;
}

/**
 * Fills a fresh collection to GROWTH_MAX documents with bulk upserts by `_id`, sampling the
 * per-operation cost of upserts and of updateOne by an indexed field at each checkpoint size.
 */
async function growthCase(db: import('mongodb').Db): Promise<void> {
  const coll = db.collection<GrowthDoc>('growth');
  await coll.drop().catch(() => undefined);
  await coll.createIndex({ slug: 1 }, { unique: true });
  await coll.createIndex({ authorId: 1, createdAt: -1 });
  await coll.createIndex({ categoryId: 1 });
  await coll.createIndex({ votes: -1 });
  const checkpoints = [10_000, 100_000, 300_000].filter((c) => c <= GROWTH_MAX);
  const upsertBatch = (from: number): AnyBulkWriteOperation<GrowthDoc>[] =>
    Array.from({ length: GROWTH_BATCH }, (_, j) => ({
      updateOne: {
        filter: { _id: scatteredId(from + j) },
        update: { $set: growthFields(from + j) },
        upsert: true,
      },
    }));
  // Updates by the unique slug that move the document in the compound and votes indexes.
  let round = 0;
  const slugBatch = (size: number): AnyBulkWriteOperation<GrowthDoc>[] => {
    round++;
    return Array.from({ length: GROWTH_BATCH }, (_, j) => {
      const i = Math.imul(j + round * GROWTH_BATCH, 7919) % size;
      return {
        updateOne: {
          filter: { slug: `slug-${scatteredId(i)}` },
          update: { $inc: { votes: 1 }, $set: { createdAt: new Date(1_800_000_000_000 + i) } },
        },
      };
    });
  };
  const rows: Array<{ size: number; upsert: number; bySlug: number }> = [];
  let size = 0;
  for (const checkpoint of checkpoints) {
    const sampleFrom = checkpoint - GROWTH_SAMPLE_BATCHES * GROWTH_BATCH;
    while (size < sampleFrom) {
      await coll.bulkWrite(upsertBatch(size), { ordered: true });
      size += GROWTH_BATCH;
    }
    const upserts: number[] = [];
    while (size < checkpoint) {
      upserts.push(await timedBulk(coll, upsertBatch(size)));
      size += GROWTH_BATCH;
    }
    const bySlug: number[] = [];
    for (let b = 0; b < GROWTH_SAMPLE_BATCHES; b++)
      bySlug.push(await timedBulk(coll, slugBatch(size)));
    rows.push({ size, upsert: median(upserts), bySlug: median(bySlug) });
  }
  if ((await coll.countDocuments()) !== size) throw new Error('growth collection lost documents');
  for (const r of rows) {
    report(
      `bulk upsert by _id, 4 secondary indexes, at ${r.size} docs`,
      r.upsert * 1000,
      'us/op',
      '< 50',
      r.upsert * 1000 < 50,
    );
    report(
      `bulk updateOne by unique slug, at ${r.size} docs`,
      r.bySlug * 1000,
      'us/op',
      '< 50',
      r.bySlug * 1000 < 50,
    );
  }
  if (rows.length > 1) {
    const first = rows[0];
    const last = rows[rows.length - 1];
    const upsertRatio = last.upsert / first.upsert;
    const slugRatio = last.bySlug / first.bySlug;
    report(
      `upsert cost at ${last.size} / at ${first.size} docs`,
      upsertRatio * 100,
      '%',
      '<= 150',
      upsertRatio <= 1.5,
    );
    report(
      `updateOne by slug cost at ${last.size} / at ${first.size} docs`,
      slugRatio * 100,
      '%',
      '<= 150',
      slugRatio <= 1.5,
    );
  }
  await coll.drop();
}

/** Server CPU per command (us) while `count` commands run `concurrency` at a time. */
async function serverCpuPerCommand(
  server: ServerProcess,
  count: number,
  concurrency: number,
  command: (i: number) => Promise<unknown>,
): Promise<number> {
  const before = processCpu(server.child.pid!);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) await command(i);
    }),
  );
  return ((processCpu(server.child.pid!) - before) / count) * 1e6;
}

/**
 * The command shapes of the read side, with their projections and indexes: per command the
 * server should spend well under 100 us of CPU for 3,000 question pages/s on two cores.
 */
async function shapesCase(db: import('mongodb').Db, server: ServerProcess): Promise<void> {
  const QUESTIONS = 20_000;
  type Stored = { _id: string; pos?: number; [field: string]: unknown };
  const questions = db.collection<Stored>('shape_questions');
  const posts = db.collection<Stored>('shape_posts');
  const users = db.collection<Stored>('shape_users');
  await questions.createIndex({ authorId: 1, createdAt: -1, _id: -1 });
  await questions.createIndex({ categoryId: 1, createdAt: -1, _id: -1 });
  await posts.createIndex({ questionId: 1, postedAt: 1 });
  for (let i = 0; i < QUESTIONS; i += 1000) {
    await questions.insertMany(
      Array.from({ length: 1000 }, (_, j) => ({ ...questionDoc(i + j), pos: 0 })),
    );
    await posts.insertMany(
      Array.from({ length: 4000 }, (_, j) => {
        const q = i + (j >> 2);
        return {
          _id: `p-${q}-${j & 3}`,
          pos: q,
          questionId: `q-${q}`,
          kind: (j & 3) === 0 ? 'answer' : 'comment',
          body: questionDoc(q + j).body.slice(0, 400),
          votes: j & 3,
          author: { id: `u-${(q + j) % 5000}`, username: `user${(q + j) % 5000}` },
          postedAt: new Date(1_700_000_000_000 + q * 60_000 + j),
        };
      }),
    );
  }
  await users.insertMany(
    Array.from({ length: 5000 }, (_, i) => ({
      _id: `u-${i}`,
      username: `user${i}`,
      usernameLower: `user${i}`,
      points: i % 300,
      counts: { questions: 1, answers: 2 },
    })),
  );
  const at = (i: number) => (Math.imul(i, 2654435761) >>> 0) % QUESTIONS;
  const page = { title: 1, body: 1, tags: 1, votes: 1, authorId: 1, createdAt: 1 };
  const shapes: Array<[string, number, (i: number) => Promise<unknown>]> = [
    [
      'findOne {_id}, inclusion projection',
      1,
      (i) => questions.findOne({ _id: `q-${at(i)}` }, { projection: page }),
    ],
    [
      'find {questionId} by index, projection',
      1,
      (i) =>
        posts
          .find({ questionId: `q-${at(i)}` }, { projection: { kind: 1, body: 1, author: 1 } })
          .toArray(),
    ],
    [
      'find {_id: {$in: 5 ids}}, projection',
      1,
      (i) =>
        users
          .find(
            { _id: { $in: [0, 1, 2, 3, 4].map((k) => `u-${(at(i) + k * 7) % 5000}`) } },
            { projection: { username: 1, points: 1 } },
          )
          .toArray(),
    ],
    [
      'list page {categoryId}, sorted, skip/limit 20',
      1,
      (i) =>
        questions
          .find({ categoryId: `c-${i % 40}` }, { projection: { title: 1, votes: 1, createdAt: 1 } })
          .sort({ createdAt: -1, _id: -1 })
          .skip((i % 10) * 20)
          .limit(20)
          .toArray(),
    ],
    [
      // a list's total for a category and a tag together: the category's 500 questions are
      // the candidates, and every one holds the tag (the category's questions all share it)
      'countDocuments {categoryId, tags}, per match',
      QUESTIONS / 40,
      (i) => questions.countDocuments({ categoryId: `c-${i % 40}`, tags: WORDS[i % 10] }),
    ],
    [
      'find {_id: {$in: 250 ids}}, per document',
      250,
      (i) =>
        posts
          .find({
            _id: { $in: Array.from({ length: 250 }, (_, k) => `p-${at(i * 250 + k)}-${k & 3}`) },
          })
          .toArray(),
    ],
  ];
  // What every command costs before any work of its own (socket, framing, BSON): the floor.
  const floor = await serverCpuPerCommand(server, SHAPE_COMMANDS, SHAPE_CONCURRENCY, () =>
    db.command({ ping: 1 }),
  );
  console.log(
    `server CPU: ping, the per-command floor on this machine now: ${floor.toFixed(1)} us`,
  );
  for (const [name, per, command] of shapes) {
    const count = Math.ceil(SHAPE_COMMANDS / per);
    await serverCpuPerCommand(server, Math.min(count, 500), SHAPE_CONCURRENCY, command);
    const us = (await serverCpuPerCommand(server, count, SHAPE_CONCURRENCY, command)) / per;
    report(
      `server CPU: ${name}`,
      us,
      'us/op',
      per === 1 ? '< 100' : '< 20',
      us < (per === 1 ? 100 : 20),
    );
  }
  let pos = 1_000_000;
  const bulk = 500;
  const writes: Array<[string, (b: number) => Promise<unknown>]> = [
    [
      'bulk updateOne {_id, pos: {$lt}} $set',
      (b) =>
        questions.bulkWrite(
          Array.from({ length: bulk }, (_, j) => ({
            updateOne: {
              filter: { _id: `q-${at(b * bulk + j)}`, pos: { $lt: ++pos } },
              update: { $set: { revision: pos, votes: pos % 113 } },
            },
          })),
          { ordered: false },
        ),
    ],
    [
      'bulk replaceOne {_id, pos: {$lt}} upsert',
      (b) =>
        questions.bulkWrite(
          Array.from({ length: bulk }, (_, j) => {
            const doc = { ...questionDoc(at(b * bulk + j)), pos: ++pos };
            return {
              replaceOne: {
                filter: { _id: doc._id, pos: { $lt: pos } },
                replacement: doc,
                upsert: true,
              },
            };
          }),
          { ordered: false },
        ),
    ],
  ];
  for (const [name, command] of writes) {
    const us = (await serverCpuPerCommand(server, 40, 2, command)) / bulk;
    report(`server CPU: ${name}`, us, 'us/op', '< 50', us < 50);
  }
  for (const c of [questions, posts, users]) await c.drop();
}

async function main(): Promise<void> {
  console.log(`load average ${loadAverage()} on ${cpus().length} cores`);
  const server = await startServer();
  const client = new MongoClient(server.url);
  await client.connect();
  const db = client.db('bench');
  try {
    if (GROWTH_ONLY) {
      await growthCase(db);
      return;
    }
    if (SHAPES_ONLY) {
      await shapesCase(db, server);
      return;
    }
    // Each figure is the median of three runs after a warm-up, so the JIT of both processes is warm.
    const counters = db.collection<{ _id: number; n?: number }>('counters');
    for (let i = 0; i < 2000; i++)
      await counters.updateOne({ _id: i % 100 }, { $inc: { n: 1 } }, { upsert: true });
    const updateRates: number[] = [];
    for (let run = 0; run < 3; run++) {
      const started = process.hrtime.bigint();
      for (let i = 0; i < SEQUENTIAL_UPDATES; i++) {
        await counters.updateOne({ _id: i % 1000 }, { $inc: { n: 1 } }, { upsert: true });
      }
      updateRates.push(SEQUENTIAL_UPDATES / (Number(process.hrtime.bigint() - started) / 1e9));
    }
    const updateRate = median(updateRates);
    report(
      'updateOne({_id}, {$inc}, {upsert}) sequential',
      updateRate,
      'ops/s',
      '>= 5000',
      updateRate >= 5000,
    );

    type Upserted = { _id: string; v?: number; n?: number };
    const upsertOps = (): AnyBulkWriteOperation<Upserted>[] =>
      Array.from({ length: BULK_UPSERTS }, (_, i) => ({
        updateOne: {
          filter: { _id: `k-${i}` },
          update: { $set: { v: i }, $inc: { n: 1 } },
          upsert: true,
        },
      }));
    for (let run = 0; run < 2; run++)
      await db.collection<Upserted>(`warm-${run}`).bulkWrite(upsertOps());
    const bulkRates: number[] = [];
    for (let run = 0; run < 3; run++) {
      const ops = upsertOps();
      const started = process.hrtime.bigint();
      const bulk = await db.collection<Upserted>(`upserts-${run}`).bulkWrite(ops);
      bulkRates.push(BULK_UPSERTS / (Number(process.hrtime.bigint() - started) / 1e9));
      if (bulk.upsertedCount !== BULK_UPSERTS)
        throw new Error(`bulkWrite upserted ${bulk.upsertedCount}`);
    }
    const bulkRate = median(bulkRates);
    report(
      `bulkWrite of ${BULK_UPSERTS} upserts`,
      bulkRate,
      'ops/s',
      '>= 30000',
      bulkRate >= 30000,
    );
    for (let run = 0; run < 3; run++) await db.collection(`upserts-${run}`).drop();
    for (let run = 0; run < 2; run++) await db.collection(`warm-${run}`).drop();

    const questions = db.collection<ReturnType<typeof questionDoc>>('questions');
    await questions.createIndex({ slug: 1 }, { unique: true });
    await questions.createIndex({ createdAt: -1 });
    const before = rssMb(server.child.pid!);
    for (let i = 0; i < DOCS; i += 1000) {
      await questions.insertMany(
        Array.from({ length: Math.min(1000, DOCS - i) }, (_, j) => questionDoc(i + j)),
      );
    }
    const loaded = rssMb(server.child.pid!);
    const size = Buffer.byteLength(JSON.stringify(questionDoc(1)));
    console.log(
      `loaded ${DOCS} documents of ~${size} bytes (server RSS ${before.toFixed(0)} MB before, ${loaded.toFixed(0)} MB after)`,
    );

    const lookups: number[] = [];
    for (let i = 0; i < LOOKUPS; i++) {
      const slug = `question-number-${(i * 7919) % DOCS}`;
      const t = process.hrtime.bigint();
      const doc = await questions.findOne({ slug });
      lookups.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (!doc) throw new Error(`missing ${slug}`);
    }
    const lookup = median(lookups);
    report(`find by indexed field, ${DOCS} docs (median)`, lookup, 'ms', '< 0.5', lookup < 0.5);

    const pages: number[] = [];
    for (let i = 0; i < PAGES; i++) {
      const t = process.hrtime.bigint();
      const page = await questions
        .find({}, { sort: { createdAt: -1 }, skip: 1000, limit: 20 })
        .toArray();
      pages.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (page.length !== 20 || page[0]._id !== `q-${DOCS - 1001}`) throw new Error('wrong page');
    }
    const page = median(pages);
    report('page of 20 sorted by indexed field, skip 1000 (median)', page, 'ms', '< 2', page < 2);

    const rss = rssMb(server.child.pid!);
    report(`server memory with ${DOCS} documents (RSS)`, rss, 'MB', '< 400', rss < 400);

    await questions.drop();
    await shapesCase(db, server);
    await growthCase(db);
  } finally {
    await client.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
