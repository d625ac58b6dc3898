/** Read models as plain JSON, to compare a live run, a replay and the pure projection. */
import type { EventStore, Position } from '@qa/event-store';
import {
  CHECKPOINTS_COLLECTION,
  MemoryDocSet,
  ReadModelProjection,
  ReadModelStore,
  WRITE_ORDER,
  activeVersion,
  checkpointName,
  toProjected,
} from '@qa/read-models';
import type { Db } from 'mongodb';

export async function dumpVersion(db: Db, version: number): Promise<Record<string, Record<string, unknown>>> {
  const store = new ReadModelStore(db, version);
  const out: Record<string, Record<string, unknown>> = {};
  for (const c of WRITE_ORDER) {
    const docs = await store.collection(c).find({}).toArray();
    out[c] = Object.fromEntries(docs.map((d) => [d._id, d]));
  }
  return JSON.parse(JSON.stringify(out));
}

/** What the read models must be: every stored event folded by the pure projection. */
export async function expectedFromHistory(store: EventStore): Promise<Record<string, Record<string, unknown>>> {
  const docs = new MemoryDocSet();
  const projection = new ReadModelProjection();
  let from: Position | 'start' = 'start';
  for (;;) {
    const page = await store.readAll({ from, maxCount: 1000 });
    for (const e of page) {
      const projected = toProjected(e);
      if (projected) projection.apply(docs, projected);
    }
    if (page.length < 1000) break;
    from = page[page.length - 1].position;
  }
  return JSON.parse(
    JSON.stringify(Object.fromEntries(Object.entries(docs.collections).map(([c, m]) => [c, Object.fromEntries(m)]))),
  );
}

/** Resolves once the active version's checkpoint is at or past `position`. */
export async function waitForCheckpoint(db: Db, position: Position, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const version = await activeVersion(db);
      const doc = await db
        .collection<{ _id: string; commit: string }>(CHECKPOINTS_COLLECTION)
        .findOne({ _id: checkpointName(version) });
      if (doc && BigInt(doc.commit) >= position.commit) return;
    } catch {
      // the server may be restarting
    }
    if (Date.now() > deadline) throw new Error(`read models did not reach ${position.commit} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
