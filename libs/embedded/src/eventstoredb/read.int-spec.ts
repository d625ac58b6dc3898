/**
 * Reads through the real client: streams and `$all` in both directions, `from`
 * semantics, missing streams, metadata rules, and what each recorded event carries.
 * Run once in memory and once on a SQLite file.
 */
import {
  BACKWARDS,
  END,
  FORWARDS,
  jsonEvent,
  binaryEvent,
  START,
  StreamNotFoundError,
} from '@eventstore/db-client';
import {
  collect,
  events,
  startHarnessOn,
  uniqueStream,
  type Harness,
} from './eventstoredb.fixture';

jest.setTimeout(20_000);

describe.each(['memory', 'disk'] as const)('reads (%s)', (mode) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarnessOn(mode);
  });
  afterAll(async () => {
    await h.stop();
  });

  async function streamOf(count: number): Promise<string> {
    const stream = uniqueStream();
    await h.client.appendToStream(stream, events(count), { expectedRevision: 'no_stream' });
    return stream;
  }

  const revisions = (list: { event?: { revision: bigint } }[]) =>
    list.map((e) => Number(e.event!.revision));

  it('reads a stream forwards from a revision, including that revision', async () => {
    const stream = await streamOf(5);
    const read = await collect(
      h.client.readStream(stream, { fromRevision: 2n, direction: FORWARDS }),
    );
    expect(revisions(read)).toEqual([2, 3, 4]);
  });

  it('reads a stream backwards from a revision, including that revision', async () => {
    const stream = await streamOf(5);
    const read = await collect(
      h.client.readStream(stream, { fromRevision: 2n, direction: BACKWARDS }),
    );
    expect(revisions(read)).toEqual([2, 1, 0]);
    const fromEnd = await collect(
      h.client.readStream(stream, { fromRevision: END, direction: BACKWARDS, maxCount: 2 }),
    );
    expect(revisions(fromEnd)).toEqual([4, 3]);
  });

  it('honours maxCount and reads nothing past the end', async () => {
    const stream = await streamOf(5);
    expect(revisions(await collect(h.client.readStream(stream, { maxCount: 2 })))).toEqual([0, 1]);
    expect(await collect(h.client.readStream(stream, { fromRevision: 9n }))).toEqual([]);
  });

  it('answers stream not found for a stream never written', async () => {
    const stream = uniqueStream();
    const error = await collect(h.client.readStream(stream)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect(error).toMatchObject({ streamName: stream });
  });

  it('returns each recorded event with its id, type, data, metadata, created time and position', async () => {
    const stream = uniqueStream();
    const before = Date.now();
    const json = jsonEvent({ type: 'Asked', data: { title: 'Why?' }, metadata: { actor: 'u1' } });
    const binary = binaryEvent({ type: 'Blob', data: Uint8Array.from([1, 2, 3]) });
    const result = await h.client.appendToStream(stream, [json, binary]);
    const [first, second] = await collect(h.client.readStream(stream));
    expect(first.event).toMatchObject({
      streamId: stream,
      id: json.id.toLowerCase(),
      revision: 0n,
      type: 'Asked',
      isJson: true,
      data: { title: 'Why?' },
      metadata: { actor: 'u1' },
    });
    expect(first.event!.created.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(first.event!.created.getTime()).toBeLessThanOrEqual(Date.now());
    expect(second.event).toMatchObject({ type: 'Blob', isJson: false });
    expect(Array.from(second.event!.data as Uint8Array)).toEqual([1, 2, 3]);
    expect(second.event!.position).toEqual(result.position);
    expect(first.event!.position!.commit).toBeLessThan(second.event!.position!.commit);
    expect(first.commitPosition).toBe(first.event!.position!.commit);
  });

  it('reads $all forwards from a position including it, and backwards excluding it', async () => {
    const stream = await streamOf(3);
    const own = await collect(h.client.readStream(stream));
    const middle = own[1].event!.position!;
    const forwards = await collect(h.client.readAll({ fromPosition: middle, maxCount: 2 }));
    expect(forwards.map((e) => e.event!.id)).toEqual([own[1].event!.id, own[2].event!.id]);
    const backwards = await collect(
      h.client.readAll({ fromPosition: middle, direction: BACKWARDS, maxCount: 1 }),
    );
    expect(backwards.map((e) => e.event!.id)).toEqual([own[0].event!.id]);
  });

  it('reads $all in log order with strictly increasing positions', async () => {
    await streamOf(2);
    const all = await collect(h.client.readAll({ fromPosition: START }));
    const commits = all.map((e) => e.event!.position!.commit);
    expect(commits.length).toBeGreaterThan(2);
    for (let i = 1; i < commits.length; i++) expect(commits[i]).toBeGreaterThan(commits[i - 1]);
    const back = await collect(h.client.readAll({ fromPosition: END, direction: BACKWARDS }));
    expect(back.map((e) => e.event!.position!.commit)).toEqual([...commits].reverse());
  });

  it('starts a fresh store with the system events of a new node and no bookkeeping streams', async () => {
    const all = await collect(h.client.readAll({ fromPosition: START, maxCount: 10 }));
    const system = all.filter((e) => e.event!.streamId.startsWith('$'));
    expect(system.map((e) => e.event!.streamId)).toEqual(
      expect.arrayContaining(['$user-admin', '$user-ops', '$users']),
    );
    expect(all.some((e) => e.event!.streamId === '$epoch-information')).toBe(false);
  });

  it('hides events before $tb and beyond $maxCount', async () => {
    const truncated = await streamOf(5);
    await h.client.setStreamMetadata(truncated, { truncateBefore: 3 });
    expect(revisions(await collect(h.client.readStream(truncated)))).toEqual([3, 4]);
    expect(
      revisions(
        await collect(h.client.readStream(truncated, { direction: BACKWARDS, fromRevision: END })),
      ),
    ).toEqual([4, 3]);

    const capped = await streamOf(5);
    await h.client.setStreamMetadata(capped, { maxCount: 2 });
    expect(revisions(await collect(h.client.readStream(capped)))).toEqual([3, 4]);
  });

  it('hides events older than $maxAge', async () => {
    const stream = await streamOf(2);
    await h.client.setStreamMetadata(stream, { maxAge: 1 });
    expect(revisions(await collect(h.client.readStream(stream)))).toEqual([0, 1]);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await collect(h.client.readStream(stream))).toEqual([]);
  });

  it('resolves $> link events when asked, and leaves them as they are otherwise', async () => {
    const target = await streamOf(2);
    const links = uniqueStream('links');
    await h.client.appendToStream(links, [
      binaryEvent({ type: '$>', data: Buffer.from(`1@${target}`) }),
      binaryEvent({ type: '$>', data: Buffer.from(`9@${target}`) }),
    ]);
    const resolved = await collect(h.client.readStream(links, { resolveLinkTos: true }));
    expect(resolved[0].event).toMatchObject({ streamId: target, revision: 1n, type: 'Counted' });
    expect(resolved[0].link).toMatchObject({ streamId: links, revision: 0n, type: '$>' });
    expect(resolved[1].event).toMatchObject({ streamId: links, type: '$>' });
    expect(resolved[1].link).toBeUndefined();
    const plain = await collect(h.client.readStream(links));
    expect(plain.map((e) => e.event!.type)).toEqual(['$>', '$>']);
    expect(plain[0].link).toBeUndefined();
  });

  it('streams a long read in pages without losing or repeating events', async () => {
    const stream = uniqueStream();
    const total = 2500;
    for (let i = 0; i < total; i += 500) {
      await h.client.appendToStream(stream, events(500));
    }
    const read = await collect(h.client.readStream(stream));
    expect(revisions(read)).toEqual(Array.from({ length: total }, (_, i) => i));
  });
});
