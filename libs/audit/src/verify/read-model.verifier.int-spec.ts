/**
 * `verify` on the embedded servers: a replay of a generated history agrees with read models
 * the projector's writer built, and every kind of corruption of a live document is found.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventStore } from '@qa/event-store';
import { asProjected } from '../../../read-models/src/testing/history.fixture';
import { generateHistory } from '../../../read-models/src/testing/history.generator';
import { WRITE_ORDER, type ReadModelStore } from '@qa/read-models';
import { startAuditHarness, type AuditHarness } from '../testing/audit.harness';
import { verifyReadModels, type VerifyProgress } from './read-model.verifier';

jest.setTimeout(60_000);

describe('verify', () => {
  let h: AuditHarness;
  let live: ReadModelStore;

  beforeAll(async () => {
    h = await startAuditHarness();
    await h.append(asProjected(generateHistory(5, 800)));
    live = await h.project();
  });

  afterAll(async () => {
    await h?.close();
  });

  const verify = (onProgress?: (p: VerifyProgress) => void) =>
    verifyReadModels({
      db: h.db,
      eventStore: h.store,
      batchSize: 300,
      // several lookups of ledger entries and revisions in flight while the fold goes on
      lookupBatch: 40,
      onProgress,
    });

  it('passes on clean read models, having compared every document', async () => {
    const databases = async () =>
      (await h.client.db().admin().listDatabases()).databases.map((d) => d.name).sort();
    const collections = async () =>
      (await h.db.listCollections().toArray()).map((c) => c.name).sort();
    const [databasesBefore, collectionsBefore] = [await databases(), await collections()];
    const report = await verify();
    expect(report.differences).toEqual([]);
    expect(report.events).toBe(800);
    const total = (
      await Promise.all(WRITE_ORDER.map((c) => live.collection(c).countDocuments({})))
    ).reduce((a, b) => a + b, 0);
    expect(report.documents).toBe(total);
    // nothing is written anywhere: no database or collection appears
    expect(await databases()).toEqual(databasesBefore);
    expect(await collections()).toEqual(collectionsBefore);
  });

  it('finds a changed field, a lost document and an invented one, and passes again once repaired', async () => {
    const user = (
      await live.collection('users').find({}).sort({ points: -1 }).limit(1).toArray()
    )[0];
    const post = (await live.collection('posts').find({}).limit(1).toArray())[0];
    const entry = (await live.collection('ledger').find({}).skip(100).limit(1).toArray())[0];
    const revision = (await live.collection('revisions').find({}).skip(50).limit(1).toArray())[0];
    await live
      .collection('users')
      .updateOne({ _id: user._id }, { $set: { points: user.points + 1000 } });
    await live.collection('posts').deleteOne({ _id: post._id });
    await live
      .collection('ledger')
      .updateOne({ _id: entry._id }, { $set: { delta: entry.delta + 1 } });
    await live.collection('revisions').deleteOne({ _id: revision._id });
    await live.collection('ledger').insertOne({
      _id: 'forged',
      userId: user._id,
      at: '2024-01-01T00:00:00.000Z',
      delta: 1000,
      reason: 'answer_selected',
      eventId: 'forged',
      pos: 1,
    });

    const report = await verify();
    expect(report.differences.map((d) => [d.collection, d.id, d.kind, d.fields])).toEqual([
      ['revisions', revision._id, 'missing', undefined],
      ...(
        [
          ['ledger', 'forged', 'unexpected', undefined],
          ['ledger', entry._id, 'different', ['delta']],
        ] as const
      ).toSorted((p, q) => (p[1] < q[1] ? -1 : 1)),
      ['users', user._id, 'different', ['points']],
      ['posts', post._id, 'missing', undefined],
    ]);

    await live.collection('users').updateOne({ _id: user._id }, { $set: { points: user.points } });
    await live.collection('posts').insertOne(post);
    await live.collection('ledger').deleteOne({ _id: 'forged' });
    await live.collection('ledger').replaceOne({ _id: entry._id }, entry);
    await live.collection('revisions').insertOne(revision);
    expect((await verify()).differences).toEqual([]);
  });

  it('finds a live document whose _id is not a string', async () => {
    const q = (await live.collection('questions').find({}).limit(1).toArray())[0];
    const forged = { ...q, _id: 42 as unknown as string };
    await live.collection('questions').insertOne(forged);
    try {
      const report = await verify();
      expect(report.differences.map((d) => [d.collection, d.id, d.kind])).toEqual([
        ['questions', '42', 'unexpected'],
      ]);
    } finally {
      await live.collection('questions').deleteOne({ _id: forged._id });
    }
  });

  it('leaves out documents the live projector changed after the position it compares at', async () => {
    const q = (await live.collection('questions').find({}).limit(1).toArray())[0];
    await live
      .collection('questions')
      .updateOne({ _id: q._id }, { $set: { title: 'changed later', pos: q.pos + 1e12 } });
    await live.collection('ledger').insertOne({
      _id: 'later',
      userId: q.author.id ?? 'nobody',
      at: '2030-01-01T00:00:00.000Z',
      delta: 10,
      reason: 'answer_selected',
      eventId: 'later',
      pos: q.pos + 1e12,
    });
    expect((await verify()).differences).toEqual([]);
    await live.collection('questions').replaceOne({ _id: q._id }, q);
    await live.collection('ledger').deleteOne({ _id: 'later' });
  });
});

describe('verify through an EventStoreDB restart', () => {
  let h: AuditHarness;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'verify-restart-'));
    h = await startAuditHarness('qa', path.join(dir, 'events.sqlite'));
    // more than one read-ahead page (4,096 events), so the restart finds reads in flight
    await h.append(asProjected(generateHistory(9, 5_000)));
    await h.project();
  });

  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the history again after the last event it folded, and passes', async () => {
    // EventStoreDB restarts once the fold has taken its first slice
    let restarted: Promise<void> | null = null;
    const eventStore = new Proxy(h.store, {
      get(target, key, receiver) {
        if (key !== 'subscribeToAll') return Reflect.get(target, key, receiver);
        const subscribe: EventStore['subscribeToAll'] = (options, handlers) =>
          target.subscribeToAll(options, {
            ...handlers,
            onEvents: async (events) => {
              await handlers.onEvents(events);
              restarted ??= h.restartEventStore();
            },
          });
        return subscribe;
      },
    });
    const resumes: Array<{ events: number; error: string }> = [];
    const report = await verifyReadModels({
      db: h.db,
      eventStore,
      batchSize: 300,
      retryDelayMs: 50,
      onResume: (r) => resumes.push(r),
    });
    await restarted;
    expect(resumes.length).toBeGreaterThan(0);
    expect(resumes[0].events).toBeGreaterThanOrEqual(300);
    expect(report.events).toBe(5_000);
    expect(report.differences).toEqual([]);
  });

  it('fails with EVENT_STORE_UNAVAILABLE once the history has gone too long without an event', async () => {
    await h.esdb.close();
    try {
      const failed = verifyReadModels({
        db: h.db,
        eventStore: h.store,
        retryDelayMs: 50,
        retryForMs: 500,
      });
      await expect(failed).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE' });
    } finally {
      await h.restartEventStore();
    }
  });
});
