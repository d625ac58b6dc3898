/**
 * The `event_store.client.streams.Streams` service: Read (reads and subscriptions),
 * Append, BatchAppend, Delete and Tombstone, answering as EventStoreDB 23.10-24.10 does.
 * Every handler turns bad input into the real server's status code and keeps serving.
 */
import type {
  handleBidiStreamingCall,
  handleClientStreamingCall,
  handleUnaryCall,
  sendUnaryData,
  ServerDuplexStream,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import * as shared from '@eventstore/db-client/generated/shared_pb';
import type { Status as RpcStatus } from '@eventstore/db-client/generated/status_pb';
import {
  AppendReq,
  AppendResp,
  BatchAppendResp,
  DeleteReq,
  DeleteResp,
  ReadReq,
  TombstoneReq,
  TombstoneResp,
} from '@eventstore/db-client/generated/streams_pb';
import {
  EventLog,
  type AppendOutcome,
  type AppendRequest,
  EXPECTED_ANY,
  EXPECTED_NO_STREAM,
  EXPECTED_STREAM_EXISTS,
  MAX_APPEND_SIZE,
  ProposedEvent,
  SOFT_DELETED_TB,
} from './event-log.store';
import {
  encodeStreamNotFound,
  wrapEvent,
  wrapResolved,
  type EventWrapper,
  type UuidFormat,
} from './read-resp.encoder';
import { toFilter, FilterSettings } from './read.filter';
import type {
  AllOptionsView,
  PositionView,
  ReadOptionsView,
  ReadRequestView,
  StreamIdentifierView,
  StreamOptionsView,
} from './read-req.codec';
import { AllSubscription, StreamSubscription } from './catch-up.subscription';
import {
  batchBadRequest,
  batchMaxAppendSizeExceeded,
  batchStreamDeleted,
  batchTimeout,
  batchWrongExpectedVersion,
  batchAccessDenied,
  internal,
  invalidArgument,
  maxAppendSizeExceeded,
  RequestError,
  requiredMetadataMissing,
  RpcError,
  streamDeleted,
  wrongExpectedVersion,
} from './rpc.errors';
import type { Access } from './access.policy';
import { drained, OpenCalls } from './open-calls.registry';
import {
  encodeBatchSuccess,
  type WireBatchAppendReq,
  type WireExpected,
  type WireProposedMessage,
  type WireUuid,
} from './batch-append.codec';

/** Rows per SQLite page for plain reads: big enough to amortise the query, small enough to stream. */
const READ_PAGE = 1024;

type ExpectedOptions = {
  hasRevision?(): boolean;
  getRevision?(): string;
  hasStreamPosition?(): boolean;
  getStreamPosition?(): string;
  hasNoStream(): boolean;
  hasAny(): boolean;
  hasStreamExists(): boolean;
};

function expectedOf(options: ExpectedOptions): number {
  if (options.hasRevision?.()) return parseRevision(options.getRevision!());
  if (options.hasStreamPosition?.()) return parseRevision(options.getStreamPosition!());
  if (options.hasNoStream()) return EXPECTED_NO_STREAM;
  if (options.hasAny()) return EXPECTED_ANY;
  if (options.hasStreamExists()) return EXPECTED_STREAM_EXISTS;
  throw new RequestError(invalidArgument("'None' is not a valid ExpectedStreamRevisionOneofCase"));
}

function parseRevision(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RequestError(invalidArgument(`'${text}' is not a valid stream revision`));
  }
  return value;
}

function streamNameOf(identifier: StreamIdentifierView | undefined): string {
  if (!identifier) {
    throw new RequestError(invalidArgument(' `stream_identifier` is a required argument'));
  }
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

function wireUuid(id: shared.UUID | undefined): WireUuid | undefined {
  if (!id) return undefined;
  if (id.hasStructured()) {
    const s = id.getStructured()!;
    return { most: BigInt(s.getMostSignificantBits()), least: BigInt(s.getLeastSignificantBits()) };
  }
  return { text: id.getString() };
}

const UUID_PATTERN = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/;

/** The lower-case string form of a UUID, as the server stores and returns it. */
function uuidText(id: WireUuid | undefined): string {
  if (!id) throw new RequestError(invalidArgument(' `id` is a required argument of type UUID'));
  if ('most' in id) {
    const hex =
      BigInt.asUintN(64, id.most).toString(16).padStart(16, '0') +
      BigInt.asUintN(64, id.least).toString(16).padStart(16, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const text = id.text.toLowerCase();
  if (text.length === 36 && UUID_PATTERN.test(text)) return text;
  if (!UUID_PATTERN.test(text)) {
    throw new RequestError(invalidArgument(`'${id.text}' is not a valid UUID`));
  }
  const hex = text.replace(/-/g, '');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A unary Append's proposed message as the real server converts it. */
function toProposed(message: AppendReq.ProposedMessage): ProposedEvent {
  const map = message.getMetadataMap();
  const type = map.get('type');
  if (type === undefined) throw new RequestError(requiredMetadataMissing('type'));
  const contentType = map.get('content-type');
  if (contentType === undefined) throw new RequestError(requiredMetadataMissing('content-type'));
  return {
    id: uuidText(wireUuid(message.getId())),
    type,
    isJson: contentType === 'application/json',
    data: asBuffer(message.getData_asU8()),
    metadata: asBuffer(message.getCustomMetadata_asU8()),
  };
}

/**
 * A BatchAppend proposed message: the real server indexes the metadata dictionary
 * directly, so a missing key is a bad request carrying .NET's message.
 */
function fromWire(message: WireProposedMessage): ProposedEvent {
  const type = message.metadata.get('type');
  if (type === undefined)
    throw new Error("The given key 'type' was not present in the dictionary.");
  const contentType = message.metadata.get('content-type');
  if (contentType === undefined) {
    throw new Error("The given key 'content-type' was not present in the dictionary.");
  }
  return {
    id: uuidText(message.id),
    type,
    isJson: contentType === 'application/json',
    data: message.data,
    metadata: message.customMetadata,
  };
}

function expectedFromWire(expected: WireExpected): number {
  if (!expected)
    throw new RequestError(
      invalidArgument("'None' is not a valid ExpectedStreamPositionOneofCase"),
    );
  switch (expected.kind) {
    case 'any':
      return EXPECTED_ANY;
    case 'no_stream':
      return EXPECTED_NO_STREAM;
    case 'stream_exists':
      return EXPECTED_STREAM_EXISTS;
    default:
      return parseRevision(expected.value.toString());
  }
}

function sizeOf(event: ProposedEvent): number {
  return event.data.length + event.metadata.length + event.type.length * 2;
}

function errorOf(error: unknown): RpcError {
  if (error instanceof RequestError) return error.rpc;
  if (error && typeof error === 'object' && 'code' in error && 'details' in error)
    return error as RpcError;
  return internal(error instanceof Error ? error.message : String(error));
}

/**
 * Group commit: while BatchAppend requests keep arriving several to a turn of the event loop
 * (from one or many calls), each turn's requests are appended in one transaction once the
 * turn's I/O is handled, so they share one commit and one write of the WAL. A request that
 * arrives alone is appended as soon as it is decoded, so its reply leaves with the
 * transport's own frames instead of in a second write. Either way each request is answered
 * only after the commit, with the outcome it would have had alone, in arrival order.
 */
class GroupCommit {
  private queue: Array<AppendRequest & { done: (outcome: AppendOutcome | Error) => void }> = [];
  /** Requests that arrived in this turn, and whether the last turn had more than one. */
  private arrivals = 0;
  private busy = false;

  constructor(private readonly log: EventLog) {}

  append(
    stream: string,
    expected: number,
    events: ProposedEvent[],
    done: (outcome: AppendOutcome | Error) => void,
  ): void {
    if (this.arrivals++ === 0) {
      setImmediate(() => {
        this.busy = this.arrivals > 1;
        this.arrivals = 0;
      });
    }
    this.queue.push({ stream, expected, events, done });
    if (this.queue.length > 1) return;
    if (this.busy) setImmediate(() => this.flush());
    else process.nextTick(() => this.flush());
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    const outcomes = this.log.appendAll(batch);
    for (let i = 0; i < batch.length; i++) {
      // One caller failing to take its answer must not keep the others from theirs.
      try {
        batch[i].done(outcomes[i]);
      } catch {
        // Its call is gone; there is nobody left to tell.
      }
    }
  }
}

export function streamsService(
  log: EventLog,
  access: Access,
  calls: OpenCalls = new OpenCalls(),
): UntypedServiceImplementation {
  const commits = new GroupCommit(log);
  const read = (call: ServerWritableStream<ReadRequestView, Buffer>): void => {
    try {
      const options = call.request.getOptions();
      if (!options) throw new RequestError(invalidArgument(' `options` is a required argument'));
      const uuidOption = options.getUuidOption();
      if (!uuidOption) {
        throw new RequestError(
          invalidArgument(' `uuidOption` is a required argument of type UUIDOption'),
        );
      }
      const uuid: UuidFormat = uuidOption.hasStructured() ? 'structured' : 'string';
      const wrap = wrapperFor(uuid, options.getResolveLinks());
      const filter = options.hasFilter() ? toFilter(options.getFilter()!) : null;
      const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;

      if (options.hasStream()) {
        const streamOptions = options.getStream()!;
        const name = streamNameOf(streamOptions.getStreamIdentifier());
        const denied = access.check(call.metadata, name, 'read');
        if (denied) throw new RequestError(denied);
        if (options.hasSubscription()) {
          if (filter) throw new RequestError(invalidArgument('Filters apply to $all only'));
          let after = -1;
          if (streamOptions.hasRevision()) after = parseRevision(streamOptions.getRevision());
          else if (streamOptions.hasEnd()) after = log.stream(name)?.lastRevision ?? -1;
          const stream = log.stream(name);
          if (stream?.tombstoned) throw new RequestError(streamDeleted(name));
          new StreamSubscription(log, call, calls, wrap, name, after).start();
          return;
        }
        void readStream(call, name, streamOptions, count(options), backwards, wrap);
        return;
      }
      if (!options.hasAll())
        throw new RequestError(invalidArgument("'None' is not a valid StreamOptionOneofCase"));
      const denied = access.check(call.metadata, '$all', 'read');
      if (denied) throw new RequestError(denied);
      const all = options.getAll()!;
      if (options.hasSubscription()) {
        if (backwards) throw new RequestError(invalidArgument('Subscriptions read forwards only'));
        let after = -1;
        if (all.hasPosition()) after = parsePosition(all.getPosition()!);
        else if (all.hasEnd()) after = log.headPosition;
        new AllSubscription(log, call, calls, wrap, after, filter).start();
        return;
      }
      void readAll(call, all, count(options), backwards, wrap, filter);
    } catch (error) {
      call.emit('error', errorOf(error));
    }
  };

  /** resolveLinkTos: a `$>` link event is sent with its target, when the target still exists. */
  function wrapperFor(uuid: UuidFormat, resolveLinks: boolean): EventWrapper {
    if (!resolveLinks) return (record, position) => wrapEvent(record, position, uuid);
    return (record, position) => {
      const target = log.resolveLink(record);
      return target
        ? wrapResolved(target, record, position, uuid)
        : wrapEvent(record, position, uuid);
    };
  }

  function count(options: ReadOptionsView): number {
    if (!options.hasCount())
      throw new RequestError(invalidArgument("'None' is not a valid CountOptionOneofCase"));
    const n = Number(options.getCount());
    return Number.isFinite(n) && n > 0 ? n : 0;
  }

  function parsePosition(position: PositionView): number {
    const commit = Number(position.getCommitPosition());
    const prepare = Number(position.getPreparePosition());
    if (!Number.isSafeInteger(commit) || !Number.isSafeInteger(prepare) || commit < prepare) {
      throw new RequestError(invalidArgument('Trying to read from an invalid position.'));
    }
    return commit;
  }

  async function readStream(
    call: ServerWritableStream<ReadRequestView, Buffer>,
    name: string,
    streamOptions: StreamOptionsView,
    limit: number,
    backwards: boolean,
    wrap: EventWrapper,
  ): Promise<void> {
    const handle = calls.track(call);
    try {
      const stream = log.stream(name);
      if (stream?.tombstoned) throw new RequestError(streamDeleted(name));
      const rules = log.metadataOf(name);
      if (!stream || stream.lastRevision < 0 || rules?.truncateBefore === SOFT_DELETED_TB) {
        call.write(encodeStreamNotFound(Buffer.from(name)));
        call.end();
        return;
      }
      const last = stream.lastRevision;
      let first = 0;
      if (rules?.truncateBefore !== undefined) first = Math.max(first, rules.truncateBefore);
      if (rules?.maxCount !== undefined) first = Math.max(first, last - rules.maxCount + 1);
      const oldest = rules?.maxAge !== undefined ? Date.now() - rules.maxAge * 1000 : 0;

      let remaining = limit;
      if (backwards) {
        let next = streamOptions.hasRevision() ? parseRevision(streamOptions.getRevision()) : last;
        if (streamOptions.hasStart()) next = 0;
        while (remaining > 0 && next >= first) {
          const rows = log.readStreamBackward(stream.id, next, Math.min(READ_PAGE, remaining));
          if (rows.length === 0) break;
          for (const [position, record, revision, created] of rows) {
            if (handle.gone) return;
            if (revision < first) {
              next = -1;
              break;
            }
            next = revision - 1;
            if (created < oldest) continue;
            call.write(wrap(record, position));
            remaining--;
          }
          await drained(call);
          if (handle.gone) return;
        }
      } else {
        let next = streamOptions.hasRevision() ? parseRevision(streamOptions.getRevision()) : 0;
        if (streamOptions.hasEnd()) next = last + 1;
        next = Math.max(next, first);
        while (remaining > 0) {
          const want = Math.min(READ_PAGE, remaining);
          const rows = log.readStreamForward(stream.id, next, want);
          for (const [position, record, revision, created] of rows) {
            if (handle.gone) return;
            next = revision + 1;
            if (created < oldest) continue;
            call.write(wrap(record, position));
            remaining--;
          }
          if (rows.length < want) break;
          await drained(call);
          if (handle.gone) return;
        }
      }
      call.end();
    } catch (error) {
      if (!handle.gone) call.emit('error', errorOf(error));
    } finally {
      handle.release();
    }
  }

  async function readAll(
    call: ServerWritableStream<ReadRequestView, Buffer>,
    all: AllOptionsView,
    limit: number,
    backwards: boolean,
    wrap: EventWrapper,
    filter: FilterSettings | null,
  ): Promise<void> {
    const handle = calls.track(call);
    try {
      let remaining = limit;
      const send = (position: number, record: Buffer, stream?: string, type?: string): boolean => {
        if (filter && !filter.matches(stream!, type!)) return false;
        call.write(wrap(record, position));
        return --remaining === 0;
      };
      // A backward page ends before `cursor` and the next page ends before its last row; a
      // forward page starts at `cursor` and the next one just after its last row.
      let cursor: number;
      if (backwards) {
        // Backwards reads exclude the start position, as the real server's do.
        cursor = all.hasPosition() ? parsePosition(all.getPosition()!) : Number.MAX_SAFE_INTEGER;
        if (all.hasStart()) cursor = 0;
      } else {
        cursor = all.hasPosition() ? parsePosition(all.getPosition()!) : 0;
        if (all.hasEnd()) cursor = Number.MAX_SAFE_INTEGER;
      }
      const page = backwards
        ? filter
          ? log.readFilteredBackward.bind(log)
          : log.readAllBackward.bind(log)
        : filter
          ? log.readFilteredForward.bind(log)
          : log.readAllForward.bind(log);
      while (remaining > 0) {
        const rows = page(cursor, READ_PAGE);
        for (const [position, record, stream, type] of rows as [
          number,
          Buffer,
          string?,
          string?,
        ][]) {
          if (handle.gone) return;
          cursor = backwards ? position : position + 1;
          if (send(position, record, stream, type)) break;
        }
        if (rows.length < READ_PAGE) break;
        await drained(call);
        if (handle.gone) return;
      }
      call.end();
    } catch (error) {
      if (!handle.gone) call.emit('error', errorOf(error));
    } finally {
      handle.release();
    }
  }

  const append: handleClientStreamingCall<AppendReq, AppendResp> = (
    call: ServerReadableStream<AppendReq, AppendResp>,
    callback: sendUnaryData<AppendResp>,
  ) => {
    let header: AppendReq.Options | undefined;
    let streamName = '';
    let expected = EXPECTED_ANY;
    const events: ProposedEvent[] = [];
    let size = 0;
    let done = false;
    const finish = (error: RpcError | null, reply?: AppendResp) => {
      if (done) return;
      done = true;
      if (error) {
        callback(error);
        call.destroy();
      } else callback(null, reply);
    };
    call.on('data', (request: AppendReq) => {
      if (done) return;
      try {
        if (!header) {
          if (!request.hasOptions())
            throw new RequestError(
              internal('Operation is not valid due to the current state of the object.'),
            );
          header = request.getOptions()!;
          streamName = streamNameOf(header.getStreamIdentifier());
          expected = expectedOf(header);
          const denied = access.check(call.metadata, streamName, 'write');
          if (denied) throw new RequestError(denied);
          return;
        }
        if (!request.hasProposedMessage())
          throw new RequestError(
            internal('Operation is not valid due to the current state of the object.'),
          );
        const event = toProposed(request.getProposedMessage()!);
        size += sizeOf(event);
        if (size > MAX_APPEND_SIZE) throw new RequestError(maxAppendSizeExceeded());
        events.push(event);
      } catch (error) {
        finish(errorOf(error));
      }
    });
    call.on('error', () => {
      done = true;
    });
    call.on('end', () => {
      if (done) return;
      if (!header)
        return finish(internal('Operation is not valid due to the current state of the object.'));
      try {
        const outcome = log.append(streamName, expected, events);
        const reply = new AppendResp();
        if (outcome.kind === 'stream-deleted') return finish(streamDeleted(streamName));
        if (outcome.kind === 'wrong-expected-version') {
          const wrong = new AppendResp.WrongExpectedVersion();
          if (expected === EXPECTED_ANY) wrong.setExpectedAny(new shared.Empty());
          else if (expected === EXPECTED_STREAM_EXISTS)
            wrong.setExpectedStreamExists(new shared.Empty());
          else if (expected === EXPECTED_NO_STREAM) wrong.setExpectedNoStream(new shared.Empty());
          else wrong.setExpectedRevision(String(expected));
          if (outcome.current < 0) wrong.setCurrentNoStream(new shared.Empty());
          else wrong.setCurrentRevision(String(outcome.current));
          reply.setWrongExpectedVersion(wrong);
          return finish(null, reply);
        }
        const success = new AppendResp.Success();
        if (outcome.revision < 0) success.setNoStream(new shared.Empty());
        else success.setCurrentRevision(String(outcome.revision));
        if (outcome.position < 0) success.setNoPosition(new shared.Empty());
        else {
          const position = new AppendResp.Position();
          position.setCommitPosition(String(outcome.position));
          position.setPreparePosition(String(outcome.position));
          success.setPosition(position);
        }
        reply.setSuccess(success);
        finish(null, reply);
      } catch (error) {
        finish(errorOf(error));
      }
    });
  };

  const batchAppend: handleBidiStreamingCall<WireBatchAppendReq, BatchAppendResp | Buffer> = (
    call: ServerDuplexStream<WireBatchAppendReq, BatchAppendResp | Buffer>,
  ) => {
    interface Pending {
      streamName: string;
      nameBytes: Buffer;
      expected: number;
      events: ProposedEvent[];
      size: number;
    }
    // Bad credentials fail the whole call, as the real server's authentication middleware
    // does before any handler runs; permissions are then checked per request.
    const unauthenticated = access.authenticate(call.metadata);
    if (unauthenticated) {
      call.emit('error', unauthenticated);
      return;
    }
    const pending = new Map<string, Pending>();
    // A cancelled or closed call drops the writes it had not finished sending.
    const handle = calls.track(call, () => pending.clear());
    const send = (reply: BatchAppendResp | Buffer) => {
      if (!handle.gone) call.write(reply);
    };
    const fail = (
      correlation: Buffer | undefined,
      streamName: Buffer | undefined,
      error: RpcStatus,
    ) => {
      const resp = new BatchAppendResp();
      if (correlation)
        resp.setCorrelationId(shared.UUID.deserializeBinary(new Uint8Array(correlation)));
      if (streamName) {
        const identifier = new shared.StreamIdentifier();
        identifier.setStreamName(new Uint8Array(streamName));
        resp.setStreamIdentifier(identifier);
      }
      resp.setError(error);
      send(resp);
    };

    call.on('data', (request: WireBatchAppendReq) => {
      if (handle.gone) return;
      const correlation = request.correlationBytes;
      let key = '';
      let nameBytes = request.options?.streamName;
      try {
        key = uuidText(request.correlationId);
        const options = request.options;
        if (options) {
          if (!options.streamName) {
            return fail(
              correlation,
              undefined,
              batchBadRequest('Required field StreamIdentifier not set.'),
            );
          }
          const streamName = options.streamName.toString('utf8');
          if (access.check(call.metadata, streamName, 'write')) {
            return fail(correlation, options.streamName, batchAccessDenied());
          }
          if (options.deadline !== undefined && options.deadline <= Date.now()) {
            return fail(correlation, options.streamName, batchTimeout());
          }
          if (!pending.has(key)) {
            pending.set(key, {
              streamName,
              nameBytes: options.streamName,
              expected: expectedFromWire(options.expected),
              events: [],
              size: 0,
            });
          }
        }
        const write = pending.get(key);
        if (!write) return;
        nameBytes = write.nameBytes;
        for (const message of request.messages) {
          const event = fromWire(message);
          write.size += sizeOf(event);
          write.events.push(event);
        }
        if (write.size > MAX_APPEND_SIZE) {
          pending.delete(key);
          return fail(correlation, write.nameBytes, batchMaxAppendSizeExceeded());
        }
        if (!request.isFinal) return;
        pending.delete(key);
        commits.append(write.streamName, write.expected, write.events, (outcome) => {
          if (outcome instanceof Error) {
            fail(correlation, write.nameBytes, batchBadRequest(outcome.message));
          } else if (outcome.kind === 'stream-deleted') {
            fail(correlation, write.nameBytes, batchStreamDeleted(write.nameBytes));
          } else if (outcome.kind === 'wrong-expected-version') {
            fail(
              correlation,
              write.nameBytes,
              batchWrongExpectedVersion(outcome.current, write.expected),
            );
          } else {
            send(
              encodeBatchSuccess(correlation!, write.nameBytes, outcome.revision, outcome.position),
            );
          }
        });
      } catch (error) {
        if (key) pending.delete(key);
        const message =
          error instanceof RequestError
            ? error.rpc.details
            : error instanceof Error
              ? error.message
              : String(error);
        fail(correlation, nameBytes, batchBadRequest(message));
      }
    });
    call.on('end', () => {
      handle.release();
      if (!call.writableEnded && !call.destroyed) call.end();
    });
  };

  const deleteStream = (hard: boolean) =>
    ((call: ServerUnaryCall<DeleteReq | TombstoneReq, DeleteResp | TombstoneResp>, callback) => {
      try {
        const options = call.request.getOptions();
        if (!options) throw new RequestError(invalidArgument(' `options` is a required argument'));
        const name = streamNameOf(options.getStreamIdentifier());
        const expected = expectedOf(options);
        const denied = access.check(call.metadata, name, 'delete');
        if (denied) throw new RequestError(denied);
        const outcome = log.delete(name, expected, hard);
        if (outcome.kind === 'stream-deleted') return callback(streamDeleted(name));
        if (outcome.kind === 'wrong-expected-version') {
          return callback(wrongExpectedVersion('Delete', name, expected, outcome.current));
        }
        const Reply = hard ? TombstoneResp : DeleteResp;
        const resp = new Reply();
        const position = new Reply.Position();
        position.setCommitPosition(String(outcome.position));
        position.setPreparePosition(String(outcome.position));
        resp.setPosition(position);
        callback(null, resp);
      } catch (error) {
        callback(errorOf(error));
      }
    }) as handleUnaryCall<DeleteReq | TombstoneReq, DeleteResp | TombstoneResp>;

  return {
    read,
    append,
    batchAppend,
    delete: deleteStream(false),
    tombstone: deleteStream(true),
  };
}
