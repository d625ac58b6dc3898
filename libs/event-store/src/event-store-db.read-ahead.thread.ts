/**
 * The read-ahead thread of a catch-up subscription (see `EsdbAllSubscription`, `readAhead`):
 * reads `$all` forwards in pages with a client of its own, decodes them (gRPC, protobuf and
 * JSON, most of what reading costs) and posts the events of the subscribed streams, as many
 * pages as the subscription asked for and no more. The subscription upcasts them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EventStoreDbAdapter } from './event-store-db.adapter';
import type { Position, StoredEvent } from './event-store.port';
import { EventTypeRegistry } from './event-type.registry';

export interface ReadAheadData {
  url: string;
  from: Position | 'start';
  pageSize: number;
  prefixes?: string[];
}

export type ReadAheadMessage =
  | { type: 'more'; pages: number }
  | { type: 'page'; events: StoredEvent[]; reached: Position | null; last: boolean }
  /** The error's message and its own plain fields (the domain error's kind and code). */
  | { type: 'failed'; message: string; fields: Record<string, string | number | boolean> };

const port = parentPort!;
const { url, from, pageSize, prefixes } = workerData as ReadAheadData;
// events leave as stored: the subscription's own registry upcasts them
const store = new EventStoreDbAdapter(url, { registry: new EventTypeRegistry() });
let credit = 0;
let wake: (() => void) | null = null;

port.on('message', (message: ReadAheadMessage) => {
  if (message.type !== 'more') return;
  credit += message.pages;
  wake?.();
});

async function readAhead(): Promise<void> {
  let cursor = from;
  for (;;) {
    while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
    credit -= 1;
    const page = await store.readAll({ from: cursor, maxCount: pageSize });
    const last = page.length < pageSize;
    if (page.length > 0) cursor = page[page.length - 1].position;
    const events = prefixes
      ? page.filter((e) => prefixes.some((prefix) => e.stream.startsWith(prefix)))
      : page;
    port.postMessage({
      type: 'page',
      events,
      reached: cursor === 'start' ? null : cursor,
      last,
    } satisfies ReadAheadMessage);
    if (last) break;
  }
}

readAhead()
  .catch((error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    const fields = Object.fromEntries(
      Object.entries(e).filter(([, value]) =>
        ['string', 'number', 'boolean'].includes(typeof value),
      ),
    ) as Record<string, string | number | boolean>;
    port.postMessage({
      type: 'failed',
      message: e.message,
      fields: { name: e.name, ...fields },
    } satisfies ReadAheadMessage);
  })
  .finally(() => void store.close());
