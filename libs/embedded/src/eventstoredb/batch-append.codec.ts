/**
 * BatchAppend's wire format, decoded and encoded by hand (field numbers from streams.proto
 * and shared.proto): the client appends through this one duplex call, and building a
 * google-protobuf object graph per proposed event cost more than storing the event.
 * Error replies, which are rare, still go through the generated classes.
 */
import { varintSize, writeVarint } from './read-resp.encoder';

/** A UUID message as sent: the string form, or the two halves of the structured form. */
export type WireUuid = { text: string } | { most: bigint; least: bigint };

export interface WireProposedMessage {
  id: WireUuid | undefined;
  metadata: Map<string, string>;
  customMetadata: Buffer;
  data: Buffer;
}

export type WireExpected =
  { kind: 'revision'; value: bigint } | { kind: 'no_stream' | 'any' | 'stream_exists' } | undefined;

export interface WireBatchOptions {
  streamName: Buffer | undefined;
  expected: WireExpected;
  /** Milliseconds since the epoch, from either deadline field. */
  deadline: number | undefined;
}

export interface WireBatchAppendReq {
  /** The correlation id exactly as received, echoed back in the reply. */
  correlationBytes: Buffer | undefined;
  correlationId: WireUuid | undefined;
  options: WireBatchOptions | undefined;
  messages: WireProposedMessage[];
  isFinal: boolean;
}

export class Reader {
  o: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.o = start;
  }

  get done(): boolean {
    return this.o >= this.end;
  }

  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i++) {
      if (this.o >= this.end) throw new Error('truncated varint');
      const byte = this.buf[this.o++];
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return result;
      multiplier *= 128;
    }
    throw new Error('malformed varint');
  }

  bigVarint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.o >= this.end) throw new Error('truncated varint');
      const byte = this.buf[this.o++];
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new Error('malformed varint');
  }

  /** The bounds of a length-delimited field's contents, advancing past it. */
  bytes(): [number, number] {
    const length = this.varint();
    const start = this.o;
    if (start + length > this.end) throw new Error('truncated field');
    this.o += length;
    return [start, this.o];
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.o += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.o += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
    if (this.o > this.end) throw new Error('truncated field');
  }
}

function readUuid(buf: Buffer, start: number, end: number): WireUuid {
  const r = new Reader(buf, start, end);
  let most = 0n;
  let least = 0n;
  let structured = false;
  let text: string | undefined;
  while (!r.done) {
    const tag = r.varint();
    if (tag === 0x0a) {
      structured = true;
      const [s, e] = r.bytes();
      const inner = new Reader(buf, s, e);
      while (!inner.done) {
        const t = inner.varint();
        if (t === 0x08) most = inner.bigVarint();
        else if (t === 0x10) least = inner.bigVarint();
        else inner.skip(t & 7);
      }
    } else if (tag === 0x12) {
      const [s, e] = r.bytes();
      text = buf.toString('utf8', s, e);
    } else r.skip(tag & 7);
  }
  if (text !== undefined) return { text };
  return structured ? { most, least } : { text: '' };
}

function readTimestamp(buf: Buffer, start: number, end: number): number {
  const r = new Reader(buf, start, end);
  let seconds = 0;
  let nanos = 0;
  while (!r.done) {
    const tag = r.varint();
    if (tag === 0x08) seconds = Number(BigInt.asIntN(64, r.bigVarint()));
    else if (tag === 0x10) nanos = Number(BigInt.asIntN(32, r.bigVarint()));
    else r.skip(tag & 7);
  }
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

function readOptions(buf: Buffer, start: number, end: number): WireBatchOptions {
  const r = new Reader(buf, start, end);
  const options: WireBatchOptions = {
    streamName: undefined,
    expected: undefined,
    deadline: undefined,
  };
  while (!r.done) {
    const tag = r.varint();
    switch (tag) {
      case 0x0a: {
        const [s, e] = r.bytes();
        const inner = new Reader(buf, s, e);
        options.streamName = Buffer.alloc(0);
        while (!inner.done) {
          const t = inner.varint();
          if (t === 0x1a) {
            const [a, b] = inner.bytes();
            options.streamName = buf.subarray(a, b);
          } else inner.skip(t & 7);
        }
        break;
      }
      case 0x10:
        options.expected = { kind: 'revision', value: r.bigVarint() };
        break;
      case 0x1a:
        r.bytes();
        options.expected = { kind: 'no_stream' };
        break;
      case 0x22:
        r.bytes();
        options.expected = { kind: 'any' };
        break;
      case 0x2a:
        r.bytes();
        options.expected = { kind: 'stream_exists' };
        break;
      case 0x32: {
        const [s, e] = r.bytes();
        options.deadline = readTimestamp(buf, s, e);
        break;
      }
      case 0x3a: {
        // A Duration from now, as newer clients send it.
        const [s, e] = r.bytes();
        options.deadline = Date.now() + readTimestamp(buf, s, e);
        break;
      }
      default:
        r.skip(tag & 7);
    }
  }
  return options;
}

function readMapEntry(buf: Buffer, start: number, end: number, into: Map<string, string>): void {
  const r = new Reader(buf, start, end);
  let key = '';
  let value = '';
  while (!r.done) {
    const tag = r.varint();
    if (tag === 0x0a) {
      const [s, e] = r.bytes();
      key = buf.toString('utf8', s, e);
    } else if (tag === 0x12) {
      const [s, e] = r.bytes();
      value = buf.toString('utf8', s, e);
    } else r.skip(tag & 7);
  }
  into.set(key, value);
}

function readProposed(buf: Buffer, start: number, end: number): WireProposedMessage {
  const r = new Reader(buf, start, end);
  const message: WireProposedMessage = {
    id: undefined,
    metadata: new Map(),
    customMetadata: EMPTY,
    data: EMPTY,
  };
  while (!r.done) {
    const tag = r.varint();
    switch (tag) {
      case 0x0a: {
        const [s, e] = r.bytes();
        message.id = readUuid(buf, s, e);
        break;
      }
      case 0x12: {
        const [s, e] = r.bytes();
        readMapEntry(buf, s, e, message.metadata);
        break;
      }
      case 0x1a: {
        const [s, e] = r.bytes();
        message.customMetadata = buf.subarray(s, e);
        break;
      }
      case 0x22: {
        const [s, e] = r.bytes();
        message.data = buf.subarray(s, e);
        break;
      }
      default:
        r.skip(tag & 7);
    }
  }
  return message;
}

const EMPTY = Buffer.alloc(0);

/** Decodes a BatchAppendReq; throws on bytes that are not one. */
export function decodeBatchAppendReq(buf: Buffer): WireBatchAppendReq {
  const r = new Reader(buf);
  const req: WireBatchAppendReq = {
    correlationBytes: undefined,
    correlationId: undefined,
    options: undefined,
    messages: [],
    isFinal: false,
  };
  while (!r.done) {
    const tag = r.varint();
    switch (tag) {
      case 0x0a: {
        const [s, e] = r.bytes();
        req.correlationBytes = buf.subarray(s, e);
        req.correlationId = readUuid(buf, s, e);
        break;
      }
      case 0x12: {
        const [s, e] = r.bytes();
        req.options = readOptions(buf, s, e);
        break;
      }
      case 0x1a: {
        const [s, e] = r.bytes();
        req.messages.push(readProposed(buf, s, e));
        break;
      }
      case 0x20:
        req.isFinal = r.varint() !== 0;
        break;
      default:
        r.skip(tag & 7);
    }
  }
  return req;
}

/** Size of a length-delimited field with a one-byte tag. */
function delimited(length: number): number {
  return 1 + varintSize(length) + length;
}

/**
 * `BatchAppendResp{correlation_id, success{current_revision | no_stream, position | no_position},
 * stream_identifier}` — the reply to a successful append.
 */
export function encodeBatchSuccess(
  correlation: Buffer,
  streamName: Buffer,
  revision: number,
  position: number,
): Buffer {
  const revisionPart = revision < 0 ? 2 : 1 + varintSize(revision);
  const positionInner = position < 0 ? 0 : 2 + varintSize(position) * 2;
  const positionPart = 2 + positionInner;
  const success = revisionPart + positionPart;
  const identifier = delimited(streamName.length);
  const size = delimited(correlation.length) + delimited(success) + delimited(identifier);
  const buf = Buffer.allocUnsafe(size);
  let o = 0;
  buf[o++] = 0x0a; // correlation_id = 1
  o = writeVarint(buf, o, correlation.length);
  o += correlation.copy(buf, o);
  buf[o++] = 0x1a; // success = 3
  o = writeVarint(buf, o, success);
  if (revision < 0) {
    buf[o++] = 0x12; // no_stream = 2
    buf[o++] = 0;
  } else {
    buf[o++] = 0x08; // current_revision = 1
    o = writeVarint(buf, o, revision);
  }
  if (position < 0) {
    buf[o++] = 0x22; // no_position = 4
    buf[o++] = 0;
  } else {
    buf[o++] = 0x1a; // position = 3
    o = writeVarint(buf, o, positionInner);
    buf[o++] = 0x08;
    o = writeVarint(buf, o, position);
    buf[o++] = 0x10;
    o = writeVarint(buf, o, position);
  }
  buf[o++] = 0x22; // stream_identifier = 4
  o = writeVarint(buf, o, identifier);
  buf[o++] = 0x1a; // stream_name = 3
  o = writeVarint(buf, o, streamName.length);
  streamName.copy(buf, o);
  return buf;
}
