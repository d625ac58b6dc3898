/**
 * How fast a replay could go on this machine, whatever the projections do: the parts of its
 * pipeline that are the real clients' work, each measured alone on the history bench:replay
 * replays, beside the CPU the replay target leaves per event.
 *   npm run bench:replay-floors                 (--events=1000000 by default)
 * 1. appends the seeded history (as bench:replay),
 * 2. reads it whole through @eventstore/db-client, as the port's events, and does nothing
 *    with them (twice: the second, warm, is the one reported): decoding is the client's cost,
 *    serving the embedded EventStoreDB's; then reads it again and folds it into documents kept
 *    in memory (nothing written), timing the fold alone: the projections' own work;
 * 3. replays it as `npm run replay` does, for comparison;
 * 4. writes every document the replay built once more, into empty collections, through the
 *    driver's bulk inserts in the replay's command size, and does nothing else: serialising
 *    is the driver's cost, storing the embedded MongoDB's. A replay writes each of these
 *    documents at least once, and many more than once.
 * A replay at 20,000 events/s on N cores has N / 20,000 s of CPU per event for all of it.
 */
import { availableParallelism } from 'node:os';
import { EventStoreDBClient, START } from '@eventstore/db-client';
import type { Document } from 'mongodb';
import type { StoredEvent } from '@qa/event-store';
import {
  INSERT_ONCE,
  MemoryDocSet,
  ReadModelProjection,
  WRITE_CHUNK,
  activeVersion,
  toProjected,
  type CollectionName,
  type DocTypes,
  type ProjectedEvent,
} from '@qa/read-models';
import { isSystemEvent, toStoredEvent } from '../libs/event-store/src/event-store-db.subscription';
import { historyStream } from '../libs/read-models/src/testing/history.generator';
import { buildOnce } from '../libs/read-models/src/testing/embedded-processes';
import { replayReadModels } from '../apps/projector/src/read-model.replay';
import {
  cpuCounter,
  cpuMeter,
  startReadSideServers,
  type ReadSideServers,
} from './support/read-side';
import { appendHistory } from './support/history';
import { loadAverage } from './support/server-process';
import { arg } from './support/args';

const EVENTS = arg('events', 1_000_000);
const TARGET = 20_000;
/** Events read ahead of the fold, which is timed alone. */
const FOLD_CHUNK = 100_000;

const us = (seconds: number, events: number) => (seconds * 1e6) / events;
const fmt = (n: number) => n.toFixed(1);

/**
 * Reads the whole history through the real client, in one stream, handing each event to
 * `onEvent`: the CPU this process and the EventStoreDB server used for it.
 */
async function readAll(
  servers: ReadSideServers,
  onEvent: (event: StoredEvent) => void = () => undefined,
): Promise<{ events: number; seconds: number; client: number; server: number }> {
  const client = EventStoreDBClient.connectionString(servers.eventStoreUrl);
  const cpu = cpuCounter(servers);
  const t0 = performance.now();
  let events = 0;
  for await (const resolved of client.readAll({
    fromPosition: START,
    maxCount: Number.MAX_SAFE_INTEGER,
  })) {
    if (!resolved.event || isSystemEvent(resolved.event)) continue;
    events += 1;
    onEvent(toStoredEvent(resolved.event));
  }
  const used = cpu();
  const result = {
    events,
    seconds: (performance.now() - t0) / 1000,
    client: used.own,
    server: used.eventStore,
  };
  await client.dispose();
  return result;
}

/**
 * The documents a fold keeps, as a replay's cache does: the mutable ones. Those written once
 * per event (revisions, ledger entries) are only counted: a replay writes them and forgets them.
 */
class MutableDocs extends MemoryDocSet {
  insertedOnce = 0;

  override put<C extends CollectionName>(collection: C, doc: DocTypes[C]): void {
    if (INSERT_ONCE.has(collection)) this.insertedOnce += 1;
    else super.put(collection, doc);
  }

  size(): number {
    return Object.values(this.collections).reduce((n, c) => n + c.size, 0);
  }

  clear(): void {
    for (const c of Object.values(this.collections)) c.clear();
  }
}

async function main(): Promise<void> {
  const cores = availableParallelism();
  const budget = (cores * 1e6) / TARGET;
  console.log(
    `bench:replay-floors: ${EVENTS} events, ${cores} cores; load average ${loadAverage()}`,
  );
  buildOnce();
  const servers = await startReadSideServers('replay-floors', { connectTimeoutMS: 0 });
  const { store, db } = servers;
  try {
    await appendHistory(store, historyStream(20251125), { count: EVENTS });

    // 2. Reading alone, then reading and folding.
    await readAll(servers);
    const read = await readAll(servers);
    const readClient = us(read.client, read.events);
    const readServer = us(read.server, read.events);
    console.log(
      `reading alone: ${read.events} events in ${read.seconds.toFixed(1)} s = ${Math.round(read.events / read.seconds)} events/s; ` +
        `CPU per event: client ${fmt(readClient)} us, EventStoreDB ${fmt(readServer)} us`,
    );
    const docs = new MutableDocs();
    const projection = new ReadModelProjection();
    // Folded a chunk at a time, once read, so that only the fold is timed.
    let chunk: ProjectedEvent[] = [];
    let foldSeconds = 0;
    const foldChunk = () => {
      const cpu = cpuCounter(servers);
      for (const event of chunk) projection.apply(docs, event);
      foldSeconds += cpu().own;
      chunk = [];
    };
    const folded = await readAll(servers, (stored) => {
      const event = toProjected(stored);
      if (event) chunk.push(event);
      if (chunk.length === FOLD_CHUNK) foldChunk();
    });
    foldChunk();
    const fold = us(foldSeconds, folded.events);
    console.log(
      `folding into memory, nothing written (${docs.size()} documents kept, ${docs.insertedOnce} written once and dropped): ` +
        `${fmt(fold)} us per event`,
    );
    docs.clear();

    // 3. The replay.
    const cpu = cpuMeter(servers);
    const replay = await replayReadModels({ db, eventStore: store, graceMs: 0 });
    console.log(
      `replay: ${replay.eventsPerSecond} events/s (${replay.seconds.toFixed(1)} s); CPU per event: ${cpu(replay.events, 'us')}`,
    );

    // 4. Writing the replayed documents alone.
    const version = await activeVersion(db);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray())
      .map((c) => c.name)
      .filter((n) => n.endsWith(`_v${version}`));
    let documents = 0;
    let driver = 0;
    let mongo = 0;
    const perCollection: string[] = [];
    for (const name of names) {
      const copy = db.collection(`floor_${name}`);
      let count = 0;
      let batch: Document[] = [];
      const insert = async () => {
        const cpu = cpuCounter(servers);
        await copy.insertMany(batch, { ordered: false });
        const used = cpu();
        driver += used.own;
        mongo += used.mongo;
        count += batch.length;
        batch = [];
      };
      for await (const doc of db.collection(name).find({}, { batchSize: WRITE_CHUNK })) {
        batch.push(doc);
        if (batch.length === WRITE_CHUNK) await insert();
      }
      if (batch.length > 0) await insert();
      await copy.drop();
      documents += count;
      perCollection.push(`${name.replace(/_v\d+$/, '')} ${count}`);
    }
    const writeDriver = us(driver, replay.events);
    const writeServer = us(mongo, replay.events);
    console.log(
      `writing the ${documents} replayed documents once each, alone (${perCollection.join(', ')}): ` +
        `CPU per event: driver ${fmt(writeDriver)} us, MongoDB ${fmt(writeServer)} us`,
    );

    const clients = readClient + writeDriver;
    const floor = clients + readServer + writeServer + fold;
    console.log(
      `budget at ${TARGET} events/s on ${cores} cores: ${fmt(budget)} us of CPU per event, for everything`,
    );
    console.log(
      `  the real clients alone (decoding the events, serialising the documents): ${fmt(clients)} us (${Math.round((clients / budget) * 100)} % of it)`,
    );
    console.log(
      `  with the embedded servers serving the reads and storing each document once, and the fold: ${fmt(floor)} us (${Math.round((floor / budget) * 100)} %), ` +
        `so at most ${Math.round((cores * 1e6) / floor)} events/s with every core busy, before any document is updated or any index built`,
    );
  } finally {
    await servers.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
