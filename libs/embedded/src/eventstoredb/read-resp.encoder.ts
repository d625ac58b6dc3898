/**
 * The protobuf wire format of the messages on the read hot path, written by hand (field
 * numbers from streams.proto).
 *
 * Every event is encoded once, when it is appended, as the `ReadResp.ReadEvent.RecordedEvent`
 * message the server will ever send for it (everything in it is fixed at write time), and
 * stored that way. A read or a subscription then only wraps the stored bytes in
 * `ReadResp{event{event=<record>, commit_position}}`: no per-event objects, no JOIN, no
 * google-protobuf message. The generated classes still decode every request and encode
 * every other reply.
 */

const JSON_CONTENT_TYPE = Buffer.from('application/json');
const OCTET_CONTENT_TYPE = Buffer.from('application/octet-stream');
const KEY_TYPE = Buffer.from('type');
const KEY_CREATED = Buffer.from('created');
const KEY_CONTENT_TYPE = Buffer.from('content-type');

export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let size = 4;
  let v = Math.floor(value / 0x10000000);
  while (v > 0) {
    size++;
    v = Math.floor(v / 128);
  }
  return size;
}

export function writeVarint(buf: Buffer, offset: number, value: number): number {
  while (value >= 0x80) {
    buf[offset++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  buf[offset++] = value;
  return offset;
}

function bigVarint(value: bigint): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80n) {
    bytes.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  bytes.push(Number(v));
  return Buffer.from(bytes);
}

/** Revision of a tombstone record: `long.MaxValue`, beyond a JS number's exact range. */
const TOMBSTONE_REVISION = 9223372036854775807n;
const TOMBSTONE_REVISION_VARINT = bigVarint(TOMBSTONE_REVISION);

function lengthDelimitedSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/** UUID option of the request: `string` (the client's default) or `structured`. */
export type UuidFormat = 'string' | 'structured';

function structuredUuid(id: string): Buffer {
  const hex = id.replace(/-/g, '');
  const m = bigVarint(BigInt(`0x${hex.slice(0, 16)}`));
  const l = bigVarint(BigInt(`0x${hex.slice(16)}`));
  return Buffer.concat([Buffer.from([0x08]), m, Buffer.from([0x10]), l]);
}

export interface RecordFields {
  id: string;
  stream: string;
  /** -1 for a tombstone (sent as `long.MaxValue`). */
  revision: number;
  position: number;
  type: string;
  createdMs: number;
  isJson: boolean;
  metadata: Uint8Array;
  data: Uint8Array;
}

/** Encodes `RecordedEvent` as stored and sent: id as a string UUID unless asked otherwise. */
export function encodeRecord(e: RecordFields, uuid: UuidFormat = 'string'): Buffer {
  const created = `${e.createdMs}0000`;
  const contentType = e.isJson ? JSON_CONTENT_TYPE : OCTET_CONTENT_TYPE;
  const isTombstone = e.revision < 0;
  const streamLength = Buffer.byteLength(e.stream);
  const typeLength = Buffer.byteLength(e.type);
  const structured = uuid === 'structured' ? structuredUuid(e.id) : null;
  const uuidInner = structured ? lengthDelimitedSize(structured.length) : lengthDelimitedSize(36);
  const identifierInner = lengthDelimitedSize(streamLength);
  const typeEntry = lengthDelimitedSize(KEY_TYPE.length) + lengthDelimitedSize(typeLength);
  const createdEntry =
    lengthDelimitedSize(KEY_CREATED.length) + lengthDelimitedSize(created.length);
  const contentEntry =
    lengthDelimitedSize(KEY_CONTENT_TYPE.length) + lengthDelimitedSize(contentType.length);
  const revisionSize = isTombstone ? TOMBSTONE_REVISION_VARINT.length : varintSize(e.revision);
  const posSize = varintSize(e.position);
  const size =
    lengthDelimitedSize(uuidInner) +
    lengthDelimitedSize(identifierInner) +
    1 +
    revisionSize +
    (1 + posSize) * 2 +
    lengthDelimitedSize(typeEntry) +
    lengthDelimitedSize(createdEntry) +
    lengthDelimitedSize(contentEntry) +
    (e.metadata.length > 0 ? lengthDelimitedSize(e.metadata.length) : 0) +
    (e.data.length > 0 ? lengthDelimitedSize(e.data.length) : 0);

  const buf = Buffer.allocUnsafe(size);
  let o = 0;
  buf[o++] = 0x0a; // id = 1
  o = writeVarint(buf, o, uuidInner);
  if (structured) {
    buf[o++] = 0x0a; // UUID.structured = 1
    o = writeVarint(buf, o, structured.length);
    o += structured.copy(buf, o);
  } else {
    buf[o++] = 0x12; // UUID.string = 2
    buf[o++] = 36;
    o += buf.write(e.id, o, 'latin1');
  }
  buf[o++] = 0x12; // stream_identifier = 2
  o = writeVarint(buf, o, identifierInner);
  buf[o++] = 0x1a; // StreamIdentifier.stream_name = 3
  o = writeVarint(buf, o, streamLength);
  o += buf.write(e.stream, o, 'utf8');
  buf[o++] = 0x18; // stream_revision = 3
  if (isTombstone) o += TOMBSTONE_REVISION_VARINT.copy(buf, o);
  else o = writeVarint(buf, o, e.revision);
  buf[o++] = 0x20; // prepare_position = 4
  o = writeVarint(buf, o, e.position);
  buf[o++] = 0x28; // commit_position = 5
  o = writeVarint(buf, o, e.position);
  // metadata = 6, map<string,string>: one entry message per key
  buf[o++] = 0x32;
  o = writeVarint(buf, o, typeEntry);
  buf[o++] = 0x0a;
  o = writeVarint(buf, o, KEY_TYPE.length);
  o += KEY_TYPE.copy(buf, o);
  buf[o++] = 0x12;
  o = writeVarint(buf, o, typeLength);
  o += buf.write(e.type, o, 'utf8');
  buf[o++] = 0x32;
  o = writeVarint(buf, o, createdEntry);
  buf[o++] = 0x0a;
  o = writeVarint(buf, o, KEY_CREATED.length);
  o += KEY_CREATED.copy(buf, o);
  buf[o++] = 0x12;
  o = writeVarint(buf, o, created.length);
  o += buf.write(created, o, 'latin1');
  buf[o++] = 0x32;
  o = writeVarint(buf, o, contentEntry);
  buf[o++] = 0x0a;
  o = writeVarint(buf, o, KEY_CONTENT_TYPE.length);
  o += KEY_CONTENT_TYPE.copy(buf, o);
  buf[o++] = 0x12;
  o = writeVarint(buf, o, contentType.length);
  o += contentType.copy(buf, o);
  if (e.metadata.length > 0) {
    buf[o++] = 0x3a; // custom_metadata = 7
    o = writeVarint(buf, o, e.metadata.length);
    buf.set(e.metadata, o);
    o += e.metadata.length;
  }
  if (e.data.length > 0) {
    buf[o++] = 0x42; // data = 8
    o = writeVarint(buf, o, e.data.length);
    buf.set(e.data, o);
  }
  return buf;
}

function readVarint(buf: Buffer, state: { o: number }): number {
  let result = 0;
  let multiplier = 1;
  for (;;) {
    const byte = buf[state.o++];
    result += (byte & 0x7f) * multiplier;
    if (byte < 0x80) return result;
    multiplier *= 128;
  }
}

/** Reads a stored record back (for metadata events, and to re-encode a structured UUID). */
export function decodeRecord(record: Buffer): RecordFields {
  const fields: RecordFields = {
    id: '',
    stream: '',
    revision: 0,
    position: 0,
    type: '',
    createdMs: 0,
    isJson: false,
    metadata: Buffer.alloc(0),
    data: Buffer.alloc(0),
  };
  const state = { o: 0 };
  while (state.o < record.length) {
    const tag = readVarint(record, state);
    const field = tag >>> 3;
    if ((tag & 7) === 0) {
      const value = readVarint(record, state);
      if (field === 3) fields.revision = value > Number.MAX_SAFE_INTEGER ? -1 : value;
      else if (field === 4) fields.position = value;
      continue;
    }
    const length = readVarint(record, state);
    const start = state.o;
    state.o += length;
    const bytes = record.subarray(start, start + length);
    switch (field) {
      case 1:
        fields.id = bytes.subarray(2).toString('latin1');
        break;
      case 2:
        fields.stream = decodeIdentifier(bytes);
        break;
      case 6: {
        const [key, value] = decodeMapEntry(bytes);
        if (key === 'type') fields.type = value;
        else if (key === 'created') fields.createdMs = Number(value.slice(0, -4));
        else if (key === 'content-type') fields.isJson = value === 'application/json';
        break;
      }
      case 7:
        fields.metadata = bytes;
        break;
      case 8:
        fields.data = bytes;
        break;
    }
  }
  return fields;
}

function decodeIdentifier(bytes: Buffer): string {
  const state = { o: 1 };
  const length = readVarint(bytes, state);
  return bytes.subarray(state.o, state.o + length).toString('utf8');
}

function decodeMapEntry(bytes: Buffer): [string, string] {
  const state = { o: 1 };
  const keyLength = readVarint(bytes, state);
  const key = bytes.subarray(state.o, state.o + keyLength).toString('utf8');
  state.o += keyLength + 1;
  const valueLength = readVarint(bytes, state);
  return [key, bytes.subarray(state.o, state.o + valueLength).toString('utf8')];
}

/** `ReadResp{event{event=<record>, commit_position}}` around a stored record. */
export function wrapEvent(record: Buffer, position: number, uuid: UuidFormat): Buffer {
  if (uuid === 'structured') record = encodeRecord(decodeRecord(record), 'structured');
  const recordLength = record.length;
  const posSize = varintSize(position);
  const readEventSize = 1 + varintSize(recordLength) + recordLength + 1 + posSize;
  const buf = Buffer.allocUnsafe(1 + varintSize(readEventSize) + readEventSize);
  let o = 0;
  buf[o++] = 0x0a; // ReadResp.event = 1
  o = writeVarint(buf, o, readEventSize);
  buf[o++] = 0x0a; // ReadEvent.event = 1
  o = writeVarint(buf, o, recordLength);
  o += record.copy(buf, o);
  buf[o++] = 0x18; // ReadEvent.commit_position = 3
  writeVarint(buf, o, position);
  return buf;
}

/**
 * `ReadResp{event{event=<target>, link=<link>, commit_position}}`: a `$>` link event read
 * with resolveLinkTos, its target in `event` and the link itself in `link`, positioned at
 * the link as the real server's OriginalPosition is.
 */
export function wrapResolved(
  target: Buffer,
  link: Buffer,
  position: number,
  uuid: UuidFormat,
): Buffer {
  if (uuid === 'structured') {
    target = encodeRecord(decodeRecord(target), 'structured');
    link = encodeRecord(decodeRecord(link), 'structured');
  }
  const posSize = varintSize(position);
  const readEventSize =
    lengthDelimitedSize(target.length) + lengthDelimitedSize(link.length) + 1 + posSize;
  const buf = Buffer.allocUnsafe(lengthDelimitedSize(readEventSize));
  let o = 0;
  buf[o++] = 0x0a; // ReadResp.event = 1
  o = writeVarint(buf, o, readEventSize);
  buf[o++] = 0x0a; // ReadEvent.event = 1
  o = writeVarint(buf, o, target.length);
  o += target.copy(buf, o);
  buf[o++] = 0x12; // ReadEvent.link = 2
  o = writeVarint(buf, o, link.length);
  o += link.copy(buf, o);
  buf[o++] = 0x18; // ReadEvent.commit_position = 3
  writeVarint(buf, o, position);
  return buf;
}

/** Turns a stored record and its position into the ReadResp bytes a call sends. */
export type EventWrapper = (record: Buffer, position: number) => Buffer;

/** `ReadResp{confirmation{subscription_id}}` */
export function encodeConfirmation(subscriptionId: string): Buffer {
  const id = Buffer.from(subscriptionId);
  const inner = lengthDelimitedSize(id.length);
  const buf = Buffer.allocUnsafe(lengthDelimitedSize(inner));
  let o = 0;
  buf[o++] = 0x12;
  o = writeVarint(buf, o, inner);
  buf[o++] = 0x0a;
  o = writeVarint(buf, o, id.length);
  id.copy(buf, o);
  return buf;
}

/** `ReadResp{checkpoint{commit_position, prepare_position}}` */
export function encodeCheckpoint(position: number): Buffer {
  const size = varintSize(position);
  const inner = (1 + size) * 2;
  const buf = Buffer.allocUnsafe(lengthDelimitedSize(inner));
  let o = 0;
  buf[o++] = 0x1a;
  o = writeVarint(buf, o, inner);
  buf[o++] = 0x08;
  o = writeVarint(buf, o, position);
  buf[o++] = 0x10;
  writeVarint(buf, o, position);
  return buf;
}

/** `ReadResp{caught_up{}}` */
export const CAUGHT_UP = Buffer.from([0x42, 0x00]);

/** `ReadResp{stream_not_found{stream_identifier{stream_name}}}` */
export function encodeStreamNotFound(streamName: Buffer): Buffer {
  const identifier = lengthDelimitedSize(streamName.length);
  const inner = lengthDelimitedSize(identifier);
  const buf = Buffer.allocUnsafe(lengthDelimitedSize(inner));
  let o = 0;
  buf[o++] = 0x22;
  o = writeVarint(buf, o, inner);
  buf[o++] = 0x0a;
  o = writeVarint(buf, o, identifier);
  buf[o++] = 0x1a;
  o = writeVarint(buf, o, streamName.length);
  streamName.copy(buf, o);
  return buf;
}
