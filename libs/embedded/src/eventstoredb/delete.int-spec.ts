/**
 * Soft delete, tombstone and stream metadata through the real client.
 */
import {
  BACKWARDS,
  END,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { collect, events, startHarness, uniqueStream, type Harness } from './eventstoredb.fixture';

jest.setTimeout(20_000);

describe('deleting streams and stream metadata', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  const revisions = (list: { event?: { revision: bigint } }[]) =>
    list.map((e) => e.event!.revision);

  it('soft delete hides the stream and returns the position of the delete', async () => {
    const stream = uniqueStream();
    const appended = await h.client.appendToStream(stream, events(2));
    const deleted = await h.client.deleteStream(stream, { expectedRevision: 1n });
    expect(deleted.position!.commit).toBeGreaterThan(appended.position!.commit);
    await expect(collect(h.client.readStream(stream))).rejects.toBeInstanceOf(StreamNotFoundError);
    const meta = await h.client.getStreamMetadata(stream);
    expect(meta.metadata?.truncateBefore).toBe(Number(9223372036854775807n));
  });

  it('a soft-deleted stream is recreated by an append and continues its revisions', async () => {
    const stream = uniqueStream();
    await h.client.appendToStream(stream, events(3));
    await h.client.deleteStream(stream);
    const result = await h.client.appendToStream(stream, events(1, 'again'), {
      expectedRevision: 'no_stream',
    });
    expect(result.nextExpectedRevision).toBe(3n);
    const read = await collect(h.client.readStream(stream));
    expect(revisions(read)).toEqual([3n]);
    expect(read[0].event!.type).toBe('again');
    expect((await h.client.getStreamMetadata(stream)).metadata?.truncateBefore).toBe(3);
  });

  it('soft delete with a wrong expected revision is refused with both versions', async () => {
    const stream = uniqueStream();
    await h.client.appendToStream(stream, events(2));
    const error = await h.client
      .deleteStream(stream, { expectedRevision: 5n })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamName: stream, expectedVersion: 5n, actualVersion: 1n });
  });

  it('soft delete of a stream that never existed is a wrong expected version', async () => {
    const error = await h.client.deleteStream(uniqueStream()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ expectedVersion: -2n, actualVersion: -1n });
  });

  it('tombstone makes reads, appends and deletes answer stream deleted, and shows in $all', async () => {
    const stream = uniqueStream();
    await h.client.appendToStream(stream, events(2));
    const tomb = await h.client.tombstoneStream(stream, { expectedRevision: 1n });
    await expect(collect(h.client.readStream(stream))).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(h.client.appendToStream(stream, events(1))).rejects.toBeInstanceOf(
      StreamDeletedError,
    );
    await expect(h.client.tombstoneStream(stream)).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(h.client.deleteStream(stream)).rejects.toBeInstanceOf(StreamDeletedError);
    const [last] = await collect(
      h.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }),
    );
    expect(last.event).toMatchObject({
      streamId: stream,
      type: '$streamDeleted',
      revision: 9223372036854775807n,
      position: tomb.position,
    });
  });

  it('tombstone with a wrong expected revision is refused', async () => {
    const stream = uniqueStream();
    await h.client.appendToStream(stream, events(1));
    await expect(
      h.client.tombstoneStream(stream, { expectedRevision: 'no_stream' }),
    ).rejects.toMatchObject({
      type: 'wrong-expected-version',
      expectedVersion: -1n,
      actualVersion: 0n,
    });
  });

  it('stores metadata in $$<stream> and reads back the latest', async () => {
    const stream = uniqueStream();
    expect(await h.client.getStreamMetadata(stream)).toEqual({ streamName: stream });
    await h.client.setStreamMetadata(stream, { maxCount: 10, custom: 'a' });
    const written = await h.client.setStreamMetadata(stream, { maxAge: 60, custom: 'b' });
    expect(written.nextExpectedRevision).toBe(1n);
    const meta = await h.client.getStreamMetadata(stream);
    expect(meta.metadata).toEqual({ maxAge: 60, custom: 'b' });
    const raw = await collect(h.client.readStream(`$$${stream}`, { fromRevision: START }));
    expect(raw.map((e) => e.event!.type)).toEqual(['$metadata', '$metadata']);
    expect(raw[1].event!.data).toEqual({ $maxAge: 60, custom: 'b' });
  });
});
