/**
 * How fast events go in and how fast a projection catches up, through the real client on
 * the embedded server in memory. Run once:
 *   node -r ./scripts/register.js libs/event-store/bench/catch-up.bench.ts [events]
 */
import { randomUUID } from 'node:crypto';
import { startEventStoreDbServer } from '../../embedded/src/eventstoredb';
import { EventStoreDbAdapter } from '../src/event-store-db.adapter';
import { InMemoryCheckpointStore } from '../src/in-memory-checkpoint.store';
import { runSubscription } from '../src/subscription.runner';

const metadata = {
  correlationId: randomUUID(),
  causationId: randomUUID(),
  actor: 'u1',
  ipHash: null,
  at: new Date().toISOString(),
  schemaVersion: 1,
};

const main = async () => {
  const total = Number(process.argv[2] ?? 20_000);
  const server = await startEventStoreDbServer({ port: 0, data: ':memory:' });
  const store = new EventStoreDbAdapter(server.url);
  try {
    // One event per append, as commands mostly write: 20 writers on their own streams.
    const writers = 20;
    let started = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        let revision: bigint | 'no_stream' = 'no_stream';
        for (let i = w; i < total; i += writers) {
          const result = await store.appendToStream(
            `question-w${w}`,
            [{ type: 'QuestionEdited', data: { questionId: `w${w}`, i, body: 'x'.repeat(300) } }],
            { expectedRevision: revision, metadata },
          );
          revision = result.nextRevision;
        }
      }),
    );
    const appendMs = performance.now() - started;

    started = performance.now();
    let read = 0;
    for (let from: Parameters<typeof store.readAll>[0]['from'] = 'start'; ; ) {
      const page = await store.readAll({ from, maxCount: 1000 });
      if (page.length === 0) break;
      read += page.length;
      from = page[page.length - 1].position;
    }
    const readMs = performance.now() - started;

    const batches: number[] = [];
    started = performance.now();
    const runner = runSubscription({
      store,
      name: 'bench',
      checkpoints: new InMemoryCheckpointStore(),
      batchSize: 500,
      handler: async (events) => void batches.push(events.length),
    });
    await runner.waitUntilCaughtUp(120_000);
    const catchUpMs = performance.now() - started;
    await runner.stop();
    const delivered = batches.reduce((a, b) => a + b, 0);

    const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000)} events/s`;
    console.log(`append  ${total} events, 1 per append, ${writers} writers: ${appendMs.toFixed(0)} ms (${rate(total, appendMs)})`);
    console.log(`readAll ${read} events, pages of 1000: ${readMs.toFixed(0)} ms (${rate(read, readMs)})`);
    console.log(
      `catch-up ${delivered} events in ${batches.length} batches (max ${Math.max(...batches)}): ${catchUpMs.toFixed(0)} ms (${rate(delivered, catchUpMs)})`,
    );
  } finally {
    await store.close();
    await server.close();
  }
};

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
