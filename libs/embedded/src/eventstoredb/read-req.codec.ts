/**
 * `ReadReq` decoded by hand for the shapes the client sends on the hot paths (stream and
 * `$all` reads and unfiltered subscriptions): google-protobuf spent more time building its
 * nested message objects than the server spent answering a short read. Anything else (a
 * filter, a control option, a field or wire type this decoder does not know) is handed
 * to the generated class, so every other request is decoded exactly as before.
 *
 * The decoded objects answer the generated getters the service uses, with the generated
 * semantics: the last occurrence of a field wins, a oneof keeps its last member, an
 * absent message is undefined, uint64 fields are decimal strings.
 */
import type { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { ReadReq as GeneratedReadReq } from '@eventstore/db-client/generated/streams_pb';
import { Reader } from './batch-append.codec';

export interface StreamIdentifierView {
  getStreamName_asU8(): Uint8Array;
}

export interface StreamOptionsView {
  getStreamIdentifier(): StreamIdentifierView | undefined;
  hasRevision(): boolean;
  getRevision(): string;
  hasStart(): boolean;
  hasEnd(): boolean;
}

export interface PositionView {
  getCommitPosition(): string;
  getPreparePosition(): string;
}

export interface AllOptionsView {
  hasPosition(): boolean;
  getPosition(): PositionView | undefined;
  hasStart(): boolean;
  hasEnd(): boolean;
}

export interface ReadOptionsView {
  hasStream(): boolean;
  getStream(): StreamOptionsView | undefined;
  hasAll(): boolean;
  getAll(): AllOptionsView | undefined;
  getReadDirection(): number;
  getResolveLinks(): boolean;
  hasCount(): boolean;
  getCount(): string;
  hasSubscription(): boolean;
  hasFilter(): boolean;
  getFilter(): ReadReq.Options.FilterOptions | undefined;
  getUuidOption(): { hasStructured(): boolean } | undefined;
}

export interface ReadRequestView {
  getOptions(): ReadOptionsView | undefined;
}

/** Thrown inside the decoder for a shape it leaves to the generated class. */
class NotHandled extends Error {}

const WIRE_VARINT = 0;
const WIRE_BYTES = 2;

function expectWire(tag: number, wire: number): void {
  if ((tag & 7) !== wire) throw new NotHandled();
}

/** Reads an embedded message's bounds; fields of other wire types are not handled. */
function message(r: Reader, tag: number): Reader {
  expectWire(tag, WIRE_BYTES);
  const [start, end] = r.bytes();
  return new Reader(r.buf, start, end);
}

/** An embedded `Empty`: any content means a shape this decoder leaves alone. */
function empty(r: Reader, tag: number): true {
  if (!message(r, tag).done) throw new NotHandled();
  return true;
}

function uint64(r: Reader, tag: number): string {
  expectWire(tag, WIRE_VARINT);
  return r.bigVarint().toString();
}

class StreamIdentifier implements StreamIdentifierView {
  constructor(private readonly name: Uint8Array) {}
  getStreamName_asU8(): Uint8Array {
    return this.name;
  }
}

function streamIdentifier(r: Reader): StreamIdentifier {
  let name: Uint8Array = new Uint8Array(0);
  while (!r.done) {
    const tag = r.varint();
    if (tag >>> 3 !== 3) throw new NotHandled();
    expectWire(tag, WIRE_BYTES);
    const [start, end] = r.bytes();
    name = new Uint8Array(r.buf.buffer, r.buf.byteOffset + start, end - start);
  }
  return new StreamIdentifier(name);
}

class StreamOptions implements StreamOptionsView {
  identifier: StreamIdentifier | undefined;
  /** The revision oneof: the last member sent. */
  kind: 'revision' | 'start' | 'end' | null = null;
  revision = '0';
  getStreamIdentifier() {
    return this.identifier;
  }
  hasRevision() {
    return this.kind === 'revision';
  }
  getRevision() {
    return this.kind === 'revision' ? this.revision : '0';
  }
  hasStart() {
    return this.kind === 'start';
  }
  hasEnd() {
    return this.kind === 'end';
  }
}

function streamOptions(r: Reader): StreamOptions {
  const options = new StreamOptions();
  while (!r.done) {
    const tag = r.varint();
    switch (tag >>> 3) {
      case 1:
        options.identifier = streamIdentifier(message(r, tag));
        break;
      case 2:
        options.revision = uint64(r, tag);
        options.kind = 'revision';
        break;
      case 3:
        empty(r, tag);
        options.kind = 'start';
        break;
      case 4:
        empty(r, tag);
        options.kind = 'end';
        break;
      default:
        throw new NotHandled();
    }
  }
  return options;
}

class Position implements PositionView {
  commit = '0';
  prepare = '0';
  getCommitPosition() {
    return this.commit;
  }
  getPreparePosition() {
    return this.prepare;
  }
}

function position(r: Reader): Position {
  const p = new Position();
  while (!r.done) {
    const tag = r.varint();
    if (tag >>> 3 === 1) p.commit = uint64(r, tag);
    else if (tag >>> 3 === 2) p.prepare = uint64(r, tag);
    else throw new NotHandled();
  }
  return p;
}

class AllOptions implements AllOptionsView {
  kind: 'position' | 'start' | 'end' | null = null;
  position: Position | undefined;
  hasPosition() {
    return this.kind === 'position';
  }
  getPosition() {
    return this.kind === 'position' ? this.position : undefined;
  }
  hasStart() {
    return this.kind === 'start';
  }
  hasEnd() {
    return this.kind === 'end';
  }
}

function allOptions(r: Reader): AllOptions {
  const options = new AllOptions();
  while (!r.done) {
    const tag = r.varint();
    switch (tag >>> 3) {
      case 1:
        options.position = position(message(r, tag));
        options.kind = 'position';
        break;
      case 2:
        empty(r, tag);
        options.kind = 'start';
        break;
      case 3:
        empty(r, tag);
        options.kind = 'end';
        break;
      default:
        throw new NotHandled();
    }
  }
  return options;
}

class UuidOption {
  constructor(private readonly structured: boolean) {}
  hasStructured() {
    return this.structured;
  }
}

function uuidOption(r: Reader): UuidOption {
  let structured = false;
  while (!r.done) {
    const tag = r.varint();
    if (tag >>> 3 === 1) structured = empty(r, tag);
    else if (tag >>> 3 === 2) structured = !empty(r, tag);
    else throw new NotHandled();
  }
  return new UuidOption(structured);
}

class ReadOptions implements ReadOptionsView {
  /** The stream option oneof (stream or `$all`). */
  stream: StreamOptions | undefined;
  all: AllOptions | undefined;
  /** The count option oneof. */
  countKind: 'count' | 'subscription' | null = null;
  count = '0';
  readDirection = 0;
  resolveLinks = false;
  uuid: UuidOption | undefined;
  hasStream() {
    return this.stream !== undefined;
  }
  getStream() {
    return this.stream;
  }
  hasAll() {
    return this.all !== undefined;
  }
  getAll() {
    return this.all;
  }
  getReadDirection() {
    return this.readDirection;
  }
  getResolveLinks() {
    return this.resolveLinks;
  }
  hasCount() {
    return this.countKind === 'count';
  }
  getCount() {
    return this.countKind === 'count' ? this.count : '0';
  }
  hasSubscription() {
    return this.countKind === 'subscription';
  }
  hasFilter() {
    // Requests with a filter are left to the generated class.
    return false;
  }
  getFilter() {
    return undefined;
  }
  getUuidOption() {
    return this.uuid;
  }
}

function readOptions(r: Reader): ReadOptions {
  const options = new ReadOptions();
  while (!r.done) {
    const tag = r.varint();
    switch (tag >>> 3) {
      case 1:
        options.stream = streamOptions(message(r, tag));
        options.all = undefined;
        break;
      case 2:
        options.all = allOptions(message(r, tag));
        options.stream = undefined;
        break;
      case 3:
        expectWire(tag, WIRE_VARINT);
        options.readDirection = r.varint();
        // An enum value the generated class would keep as an unknown number: left to it.
        if (options.readDirection > 1) throw new NotHandled();
        break;
      case 4:
        expectWire(tag, WIRE_VARINT);
        options.resolveLinks = r.varint() !== 0;
        break;
      case 5:
        options.count = uint64(r, tag);
        options.countKind = 'count';
        break;
      case 6:
        empty(r, tag);
        options.countKind = 'subscription';
        break;
      case 8:
        // no_filter, the other member of the filter oneof: what an absent filter means.
        empty(r, tag);
        break;
      case 9:
        options.uuid = uuidOption(message(r, tag));
        break;
      default:
        throw new NotHandled();
    }
  }
  return options;
}

class ReadRequest implements ReadRequestView {
  constructor(private readonly options: ReadOptions | undefined) {}
  getOptions() {
    return this.options;
  }
}

export function decodeReadReq(buf: Buffer): ReadRequestView {
  try {
    const r = new Reader(buf);
    let options: ReadOptions | undefined;
    while (!r.done) {
      const tag = r.varint();
      if (tag >>> 3 !== 1) throw new NotHandled();
      options = readOptions(message(r, tag));
    }
    return new ReadRequest(options);
  } catch {
    // A shape left to the generated class, or bytes it should judge (and refuse) itself.
    return GeneratedReadReq.deserializeBinary(
      new Uint8Array(buf.buffer, buf.byteOffset, buf.length),
    );
  }
}
