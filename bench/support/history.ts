/**
 * Appending a generated history (libs/read-models/src/testing/history.generator) to the
 * event store, as the benchmarks that replay or audit it need it.
 */
import { randomUUID } from 'node:crypto';
import type { EventMetadata, EventStoreDbAdapter } from '@qa/event-store';
import type { GeneratedEvent } from '../../libs/read-models/src/testing/history.generator';

/** The metadata every benchmark event is appended with. */
const BENCH_METADATA: EventMetadata = {
  correlationId: 'bench',
  causationId: 'bench',
  actor: 'bench',
  at: new Date().toISOString(),
  schemaVersion: 1,
};

/** Appends one generated event on its own. */
export function appendOne(store: EventStoreDbAdapter, e: GeneratedEvent) {
  return store.appendToStream(e.stream, [{ id: randomUUID(), type: e.type, data: e.data }], {
    expectedRevision: 'any',
    metadata: BENCH_METADATA,
  });
}

/**
 * Appends `events` until they end or `count` are in: in windows of up to 64 events of
 * distinct streams, in parallel inside a window and in order between windows, so each
 * stream's events keep their order. Prints its progress every 10 s, and the total.
 */
export async function appendHistory(
  store: EventStoreDbAdapter,
  events: Iterator<GeneratedEvent>,
  options: { count?: number } = {},
): Promise<number> {
  const count = options.count ?? Infinity;
  const started = Date.now();
  const rate = (n: number) => Math.round(n / Math.max(0.001, (Date.now() - started) / 1000));
  let lastPrint = started;
  let done = 0;
  let pending: GeneratedEvent | null = null;
  while (done < count) {
    const window: GeneratedEvent[] = [];
    const streams = new Set<string>();
    while (window.length < 64 && done + window.length < count) {
      const next: GeneratedEvent | undefined =
        pending ?? (events.next().value as GeneratedEvent | undefined);
      pending = null;
      if (!next) break;
      if (streams.has(next.stream)) {
        pending = next;
        break;
      }
      streams.add(next.stream);
      window.push(next);
    }
    if (window.length === 0) break;
    await Promise.all(window.map((e) => appendOne(store, e)));
    done += window.length;
    if (Date.now() - lastPrint >= 10_000) {
      lastPrint = Date.now();
      console.log(`  appended ${done} events (${rate(done)} events/s)`);
    }
  }
  console.log(
    `appended ${done} events in ${((Date.now() - started) / 1000).toFixed(0)} s (${rate(done)} events/s)`,
  );
  return done;
}
