/**
 * Requests the real client never sends, and clients that vanish mid-call: each gets the
 * status code a real node answers with, and the server goes on serving everyone else.
 */
import { credentials, Metadata, status, type Client as GrpcClient } from '@grpc/grpc-js';
import { jsonEvent } from '@eventstore/db-client';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { AppendReq, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { Empty, StreamIdentifier } from '@eventstore/db-client/generated/shared_pb';
import { collect, events, startHarness, uniqueStream, type Harness } from './eventstoredb.fixture';

jest.setTimeout(20_000);

describe('bad input and vanishing clients', () => {
  let h: Harness;
  let raw: StreamsClient;
  beforeAll(async () => {
    h = await startHarness();
    raw = new StreamsClient(`127.0.0.1:${h.server.port}`, credentials.createInsecure());
  });
  afterAll(async () => {
    raw.close();
    await h.stop();
  });

  /** Still answering the real client after whatever the test did. */
  async function stillServing(): Promise<void> {
    const stream = uniqueStream('alive');
    await h.client.appendToStream(stream, events(2));
    expect(await collect(h.client.readStream(stream))).toHaveLength(2);
  }

  function readCall(request: ReadReq): Promise<{ code: number; messages: ReadResp[] }> {
    return new Promise((resolve) => {
      const messages: ReadResp[] = [];
      const call = raw.read(request);
      call.on('data', (m: ReadResp) => messages.push(m));
      call.on('error', () => undefined);
      call.on('status', (s: { code: number }) => resolve({ code: s.code, messages }));
    });
  }

  it('answers INVALID_ARGUMENT to a read without options, then keeps serving', async () => {
    const result = await readCall(new ReadReq());
    expect(result.code).toBe(status.INVALID_ARGUMENT);
    await stillServing();
  });

  it('answers INVALID_ARGUMENT to a read without a uuid option', async () => {
    const request = new ReadReq();
    const options = new ReadReq.Options();
    const all = new ReadReq.Options.AllOptions();
    all.setStart(new Empty());
    options.setAll(all);
    options.setCount('10');
    options.setNoFilter(new Empty());
    request.setOptions(options);
    expect((await readCall(request)).code).toBe(status.INVALID_ARGUMENT);
  });

  it('sends the event id in the structured form when asked', async () => {
    const stream = uniqueStream();
    const event = jsonEvent({ type: 'T', data: {}, id: '0f8fad5b-d9cb-469f-a165-70867728950e' });
    await h.client.appendToStream(stream, event);
    const request = new ReadReq();
    const options = new ReadReq.Options();
    const streamOptions = new ReadReq.Options.StreamOptions();
    const identifier = new StreamIdentifier();
    identifier.setStreamName(Buffer.from(stream));
    streamOptions.setStreamIdentifier(identifier);
    streamOptions.setStart(new Empty());
    options.setStream(streamOptions);
    options.setCount('1');
    options.setNoFilter(new Empty());
    const uuidOption = new ReadReq.Options.UUIDOption();
    uuidOption.setStructured(new Empty());
    options.setUuidOption(uuidOption);
    request.setOptions(options);
    const result = await readCall(request);
    expect(result.code).toBe(status.OK);
    const structured = result.messages[0].getEvent()!.getEvent()!.getId()!.getStructured()!;
    const hex = (value: string) => BigInt.asUintN(64, BigInt(value)).toString(16).padStart(16, '0');
    expect(
      hex(structured.getMostSignificantBits()) + hex(structured.getLeastSignificantBits()),
    ).toBe('0f8fad5bd9cb469fa16570867728950e');
  });

  it('answers a request that is not a protobuf message with an error status, then keeps serving', async () => {
    const bytes = new (require('@grpc/grpc-js').Client as typeof GrpcClient)(
      `127.0.0.1:${h.server.port}`,
      credentials.createInsecure(),
    );
    try {
      const code = await new Promise<number>((resolve) => {
        const call = bytes.makeServerStreamRequest(
          '/event_store.client.streams.Streams/Read',
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
          new Metadata(),
        );
        call.on('data', () => undefined);
        call.on('error', () => undefined);
        call.on('status', (s: { code: number }) => resolve(s.code));
      });
      expect(code).not.toBe(status.OK);
    } finally {
      bytes.close();
    }
    await stillServing();
  });

  it('writes nothing for a unary append whose client goes away before finishing', async () => {
    const stream = uniqueStream('vanished');
    const call = raw.append(new Metadata(), () => undefined);
    const header = new AppendReq();
    const options = new AppendReq.Options();
    const identifier = new StreamIdentifier();
    identifier.setStreamName(Buffer.from(stream));
    options.setStreamIdentifier(identifier);
    options.setAny(new Empty());
    header.setOptions(options);
    call.write(header);
    await new Promise((r) => setTimeout(r, 50));
    call.cancel();
    await new Promise((r) => setTimeout(r, 50));
    await expect(collect(h.client.readStream(stream))).rejects.toMatchObject({
      type: 'stream-not-found',
    });
    await stillServing();
  });

  it('drops subscriptions whose clients vanish and keeps the others live', async () => {
    const stream = uniqueStream('live');
    const doomed = h.client.subscribeToStream(stream);
    const survivor = h.client.subscribeToStream(stream);
    const seen: bigint[] = [];
    survivor.on('data', (e) => seen.push(e.event!.revision));
    await new Promise((r) => doomed.once('caughtUp', r));
    await doomed.unsubscribe();
    await h.client.appendToStream(stream, events(3));
    const deadline = Date.now() + 5000;
    while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([0n, 1n, 2n]);
    await survivor.unsubscribe();
    await stillServing();
  });

  it('answers RESOURCE_EXHAUSTED to a message larger than the transport accepts', async () => {
    const huge = jsonEvent({ type: 'Huge', data: { blob: 'x'.repeat(18 * 1024 * 1024) } });
    const error = await h.client
      .appendToStream(uniqueStream(), huge)
      .catch((e: { code?: number }) => e);
    expect(error).toMatchObject({ code: status.RESOURCE_EXHAUSTED });
    await stillServing();
  });
});
