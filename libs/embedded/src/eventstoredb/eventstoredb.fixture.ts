/**
 * Shared set-up for the server's fidelity tests: a server on a free port and the real
 * `@eventstore/db-client` connected to it, both closed by `stop()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  EventStoreDBClient,
  jsonEvent,
  type JSONEventType,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  startEventStoreDbServer,
  type EmbeddedServer,
  type EventStoreDbServerOptions,
} from './index';

export interface Harness {
  server: EmbeddedServer;
  client: EventStoreDBClient;
  stop(): Promise<void>;
}

export async function startHarness(options: EventStoreDbServerOptions = {}): Promise<Harness> {
  const server = await startEventStoreDbServer({ port: 0, ...options });
  const client = EventStoreDBClient.connectionString(server.url);
  return {
    server,
    client,
    async stop() {
      await client.dispose();
      await server.close();
    },
  };
}

/**
 * A harness whose store is in memory or in a SQLite file of a temporary directory; `stop()`
 * also removes the directory.
 */
export async function startHarnessOn(mode: 'memory' | 'disk'): Promise<Harness> {
  if (mode === 'memory') return startHarness({ data: ':memory:' });
  const temp = tempDir();
  try {
    const h = await startHarness({ data: path.join(temp.dir, 'events.sqlite') });
    return {
      ...h,
      async stop() {
        await h.stop();
        temp.remove();
      },
    };
  } catch (error) {
    temp.remove();
    throw error;
  }
}

/** A temporary directory for on-disk stores, removed by the returned function. */
export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'esdb-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function uniqueStream(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

export function events(
  count: number,
  type = 'Counted',
): ReturnType<typeof jsonEvent<JSONEventType>>[] {
  return Array.from({ length: count }, (_, i) => jsonEvent({ type, data: { n: i } }));
}

export async function collect(source: AsyncIterable<ResolvedEvent>): Promise<ResolvedEvent[]> {
  const out: ResolvedEvent[] = [];
  for await (const e of source) out.push(e);
  return out;
}
