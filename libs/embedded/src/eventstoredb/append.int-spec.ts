/**
 * Appends through the real client, over BatchAppend (the client's default once
 * ServerFeatures lists it) and over unary Append (what the client uses when a call carries
 * its own credentials): expected-revision rules, idempotency, error types, limits.
 */
import { credentials as grpcCredentials, Metadata, status } from '@grpc/grpc-js';
import {
  jsonEvent,
  MaxAppendSizeExceededError,
  StreamDeletedError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
} from '@eventstore/db-client';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import {
  AppendReq,
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
} from '@eventstore/db-client/generated/streams_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { collect, events, startHarness, uniqueStream, type Harness } from './eventstoredb.fixture';

jest.setTimeout(20_000);

const UNARY = { credentials: { username: 'admin', password: 'changeit' } };

describe.each([
  ['BatchAppend', {}],
  ['unary Append', UNARY],
])('appends over %s', (_name, callOptions) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  const append = (stream: string, count: number, expectedRevision: AppendExpectedRevision) =>
    h.client.appendToStream(stream, events(count), { expectedRevision, ...callOptions });

  it('returns the last revision and its position, equal to the position read back', async () => {
    const stream = uniqueStream();
    const result = await append(stream, 3, 'no_stream');
    expect(result.success).toBe(true);
    expect(result.nextExpectedRevision).toBe(2n);
    const read = await collect(h.client.readStream(stream));
    expect(read.map((e) => e.event!.revision)).toEqual([0n, 1n, 2n]);
    expect(result.position).toEqual(read[2].event!.position);
    expect(result.position!.commit).toBe(result.position!.prepare);
  });

  it('accepts any, stream_exists and the exact revision on an existing stream', async () => {
    const stream = uniqueStream();
    await append(stream, 1, 'no_stream');
    expect((await append(stream, 1, 'any')).nextExpectedRevision).toBe(1n);
    expect((await append(stream, 1, 'stream_exists')).nextExpectedRevision).toBe(2n);
    expect((await append(stream, 2, 2n)).nextExpectedRevision).toBe(4n);
  });

  it('rejects no_stream on an existing stream with the current revision', async () => {
    const stream = uniqueStream();
    await append(stream, 2, 'no_stream');
    const error = await append(stream, 1, 'no_stream').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({
      streamName: stream,
      expectedVersion: 'no_stream',
      actualVersion: 1n,
    });
  });

  it('rejects stream_exists on a missing stream', async () => {
    const stream = uniqueStream();
    const error = await append(stream, 1, 'stream_exists').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ expectedVersion: 'stream_exists', actualVersion: 'no_stream' });
  });

  it('rejects a stale exact revision and a revision ahead of the stream', async () => {
    const stream = uniqueStream();
    await append(stream, 3, 'no_stream');
    await expect(append(stream, 1, 5n)).rejects.toMatchObject({
      type: 'wrong-expected-version',
      expectedVersion: 5n,
      actualVersion: 2n,
    });
    await expect(append(stream, 1, 0n)).rejects.toBeInstanceOf(WrongExpectedVersionError);
  });

  it('reports failure without throwing when throwOnAppendFailure is off', async () => {
    const stream = uniqueStream();
    await append(stream, 2, 'no_stream');
    const { EventStoreDBClient } = await import('@eventstore/db-client');
    const lenient = EventStoreDBClient.connectionString(
      `${h.server.url}&throwOnAppendFailure=false`,
    );
    try {
      const result = await lenient.appendToStream(stream, events(1), {
        expectedRevision: 7n,
        ...callOptions,
      });
      expect(result.success).toBe(false);
    } finally {
      await lenient.dispose();
    }
  });

  it('treats a re-append of the same ids after the expected revision as already done', async () => {
    const stream = uniqueStream();
    const batch = events(3);
    const first = await h.client.appendToStream(stream, batch, {
      expectedRevision: 'no_stream',
      ...callOptions,
    });
    const again = await h.client.appendToStream(stream, batch, {
      expectedRevision: 'no_stream',
      ...callOptions,
    });
    expect(again).toEqual(first);
    const tail = batch.slice(1);
    const partial = await h.client.appendToStream(stream, tail, {
      expectedRevision: 0n,
      ...callOptions,
    });
    expect(partial.nextExpectedRevision).toBe(2n);
    expect(await collect(h.client.readStream(stream))).toHaveLength(3);
  });

  it('refuses a re-append whose first id matches but a later one differs', async () => {
    const stream = uniqueStream();
    const batch = events(2);
    await h.client.appendToStream(stream, batch, { expectedRevision: 'no_stream', ...callOptions });
    const changed = [batch[0], jsonEvent({ type: 'Other', data: {} })];
    await expect(
      h.client.appendToStream(stream, changed, { expectedRevision: 'no_stream', ...callOptions }),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);
  });

  it('with any, ignores a batch of known ids and refuses one that is only partly known', async () => {
    const stream = uniqueStream();
    const batch = events(2);
    const first = await h.client.appendToStream(stream, batch, {
      expectedRevision: 'any',
      ...callOptions,
    });
    const again = await h.client.appendToStream(stream, batch, {
      expectedRevision: 'any',
      ...callOptions,
    });
    expect(again).toEqual(first);
    await expect(
      h.client.appendToStream(stream, [batch[0], jsonEvent({ type: 'New', data: {} })], {
        expectedRevision: 'any',
        ...callOptions,
      }),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await collect(h.client.readStream(stream))).toHaveLength(2);
  });

  it('answers stream deleted for appends to a tombstoned stream', async () => {
    const stream = uniqueStream();
    await append(stream, 1, 'no_stream');
    await h.client.tombstoneStream(stream);
    const error = await append(stream, 1, 'any').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamDeletedError);
    expect(error).toMatchObject({ streamName: stream });
  });

  it('refuses appends over 1 MiB and stores nothing of them', async () => {
    const stream = uniqueStream();
    const big = jsonEvent({ type: 'Big', data: { blob: 'x'.repeat(1024 * 1024) } });
    const error = await h.client
      .appendToStream(stream, big, { expectedRevision: 'any', ...callOptions })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect(error).toMatchObject({ maxAppendSize: 1024 * 1024 });
    await expect(collect(h.client.readStream(stream))).rejects.toMatchObject({
      type: 'stream-not-found',
    });
  });
});

describe('malformed append requests', () => {
  let h: Harness;
  let raw: StreamsClient;
  beforeAll(async () => {
    h = await startHarness();
    raw = new StreamsClient(`127.0.0.1:${h.server.port}`, grpcCredentials.createInsecure());
  });
  afterAll(async () => {
    raw.close();
    await h.stop();
  });

  function identifier(name: string): StreamIdentifier {
    const id = new StreamIdentifier();
    id.setStreamName(Buffer.from(name));
    return id;
  }

  function uuid(text: string): UUID {
    const id = new UUID();
    id.setString(text);
    return id;
  }

  it('answers INVALID_ARGUMENT to a unary append whose event has no type', async () => {
    const error = await new Promise<{ code: number; metadata: Metadata }>((resolve) => {
      const call = raw.append(new Metadata(), (err: unknown, _resp?: AppendResp) =>
        resolve(err as { code: number; metadata: Metadata }),
      );
      const header = new AppendReq();
      const options = new AppendReq.Options();
      options.setStreamIdentifier(identifier(uniqueStream()));
      options.setAny(new Empty());
      header.setOptions(options);
      call.write(header);
      const message = new AppendReq.ProposedMessage();
      message.setId(uuid('5f1e0bd4-3c1c-4c44-9d5e-2a2a8b8d2b11'));
      message.getMetadataMap().set('content-type', 'application/json');
      message.setData(Buffer.from('{}'));
      const entry = new AppendReq();
      entry.setProposedMessage(message);
      call.write(entry);
      call.end();
    });
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.metadata.get('exception')).toEqual(['missing-required-metadata-property']);
  });

  it('answers an INVALID_ARGUMENT status on BatchAppend for an event without content-type, and keeps the stream open', async () => {
    const call = raw.batchAppend();
    const replies: BatchAppendResp[] = [];
    const twoReplies = new Promise<void>((resolve) => {
      call.on('data', (r: BatchAppendResp) => {
        replies.push(r);
        if (replies.length === 2) resolve();
      });
    });
    const request = (id: string, withContentType: boolean) => {
      const req = new BatchAppendReq();
      req.setCorrelationId(uuid(id));
      const options = new BatchAppendReq.Options();
      options.setStreamIdentifier(identifier(uniqueStream()));
      options.setAny(new Empty());
      req.setOptions(options);
      const message = new BatchAppendReq.ProposedMessage();
      message.setId(uuid(id.replace(/^0/, '1')));
      message.getMetadataMap().set('type', 'T');
      if (withContentType) message.getMetadataMap().set('content-type', 'application/json');
      message.setData(Buffer.from('{}'));
      req.addProposedMessages(message);
      req.setIsFinal(true);
      return req;
    };
    call.write(request('0a1e0bd4-3c1c-4c44-9d5e-2a2a8b8d2b11', false));
    call.write(request('0b1e0bd4-3c1c-4c44-9d5e-2a2a8b8d2b11', true));
    await twoReplies;
    const finished = new Promise<{ code: number }>((resolve) => call.on('status', resolve));
    call.end();
    expect((await finished).code).toBe(status.OK);
    expect(replies[0].getError()?.getCode()).toBe(status.INVALID_ARGUMENT);
    expect(replies[1].hasSuccess()).toBe(true);
  });
});
