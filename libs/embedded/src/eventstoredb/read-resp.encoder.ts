/**
 * Encodes `event_store.client.streams.ReadResp` messages straight from log rows.
 *
 * Reads and subscriptions send one message per event; building a google-protobuf object
 * per event and serialising it costs more than the whole SQLite read, so the hot path
 * writes the protobuf wire format directly (field numbers from streams.proto). The
 * generated classes still decode every request and encode every other reply.
 */
import {
  EventRow,
  ROW_CREATED,
  ROW_DATA,
  ROW_ID,
  ROW_JSON,
  ROW_METADATA,
  ROW_POS,
  ROW_REVISION,
  ROW_STREAM,
  ROW_TYPE,
} from './event-log.store';

const JSON_CONTENT_TYPE = Buffer.from('application/json');
const OCTET_CONTENT_TYPE = Buffer.from('application/octet-stream');
const KEY_TYPE = Buffer.from('type');
const KEY_CREATED = Buffer.from('created');
const KEY_CONTENT_TYPE = Buffer.from('content-type');
const TOMBSTONE_REVISION_TEXT = '9223372036854775807';

function varintSize(value: number): number {
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

function writeVarint(buf: Buffer, offset: number, value: number): number {
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
const TOMBSTONE_REVISION_VARINT = bigVarint(BigInt(TOMBSTONE_REVISION_TEXT));

function lengthDelimitedSize(length: number): number {
  return 1 + varintSize(length) + length;
}

/** UUID option of the request: `string` (the client's default) or `structured`. */
export type UuidFormat = 'string' | 'structured';

function structuredUuid(id: string): Buffer {
  const hex = id.replace(/-/g, '');
  const most = BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`));
  const least = BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`));
  const m = bigVarint(BigInt.asUintN(64, most));
  const l = bigVarint(BigInt.asUintN(64, least));
  return Buffer.concat([Buffer.from([0x08]), m, Buffer.from([0x10]), l]);
}

/** A `ReadResp{event}` for one row: the event, its revision, its positions and system metadata. */
export function encodeEventResp(row: EventRow, uuid: UuidFormat): Buffer {
  const stream = row[ROW_STREAM];
  const id = row[ROW_ID];
  const type = row[ROW_TYPE];
  const data = row[ROW_DATA];
  const metadata = row[ROW_METADATA];
  const pos = row[ROW_POS];
  const revision = row[ROW_REVISION];
  const created = `${row[ROW_CREATED]}0000`;
  const contentType = row[ROW_JSON] === 1 ? JSON_CONTENT_TYPE : OCTET_CONTENT_TYPE;
  const isTombstone = revision > Number.MAX_SAFE_INTEGER;

  const streamLength = Buffer.byteLength(stream);
  const typeLength = Buffer.byteLength(type);
  const createdLength = created.length;

  // UUID { string = 2 } or UUID { structured = 1 }
  const structured = uuid === 'structured' ? structuredUuid(id) : null;
  const uuidInner = structured ? lengthDelimitedSize(structured.length) : lengthDelimitedSize(36);
  // StreamIdentifier { stream_name = 3 }
  const identifierInner = lengthDelimitedSize(streamLength);
  const typeEntry = lengthDelimitedSize(KEY_TYPE.length) + lengthDelimitedSize(typeLength);
  const createdEntry = lengthDelimitedSize(KEY_CREATED.length) + lengthDelimitedSize(createdLength);
  const contentEntry =
    lengthDelimitedSize(KEY_CONTENT_TYPE.length) + lengthDelimitedSize(contentType.length);
  const revisionSize = isTombstone ? TOMBSTONE_REVISION_VARINT.length : varintSize(revision);
  const posSize = varintSize(pos);

  const recordedSize =
    lengthDelimitedSize(uuidInner) +
    lengthDelimitedSize(identifierInner) +
    1 +
    revisionSize +
    (1 + posSize) * 2 +
    lengthDelimitedSize(typeEntry) +
    lengthDelimitedSize(createdEntry) +
    lengthDelimitedSize(contentEntry) +
    (metadata.length > 0 ? lengthDelimitedSize(metadata.length) : 0) +
    (data.length > 0 ? lengthDelimitedSize(data.length) : 0);
  const readEventSize = lengthDelimitedSize(recordedSize) + 1 + posSize;
  const total = lengthDelimitedSize(readEventSize);

  const buf = Buffer.allocUnsafe(total);
  let o = 0;
  buf[o++] = 0x0a; // ReadResp.event = 1
  o = writeVarint(buf, o, readEventSize);
  buf[o++] = 0x0a; // ReadEvent.event = 1
  o = writeVarint(buf, o, recordedSize);

  buf[o++] = 0x0a; // RecordedEvent.id = 1
  o = writeVarint(buf, o, uuidInner);
  if (structured) {
    buf[o++] = 0x0a;
    o = writeVarint(buf, o, structured.length);
    o += structured.copy(buf, o);
  } else {
    buf[o++] = 0x12;
    buf[o++] = 36;
    o += buf.write(id, o, 'latin1');
  }

  buf[o++] = 0x12; // RecordedEvent.stream_identifier = 2
  o = writeVarint(buf, o, identifierInner);
  buf[o++] = 0x1a; // StreamIdentifier.stream_name = 3
  o = writeVarint(buf, o, streamLength);
  o += buf.write(stream, o, 'utf8');

  buf[o++] = 0x18; // stream_revision = 3
  if (isTombstone) o += TOMBSTONE_REVISION_VARINT.copy(buf, o);
  else o = writeVarint(buf, o, revision);
  buf[o++] = 0x20; // prepare_position = 4
  o = writeVarint(buf, o, pos);
  buf[o++] = 0x28; // commit_position = 5
  o = writeVarint(buf, o, pos);

  // metadata = 6 (map<string,string>): one entry message per key
  buf[o++] = 0x32;
  o = writeVarint(buf, o, typeEntry);
  buf[o++] = 0x0a;
  o = writeVarint(buf, o, KEY_TYPE.length);
  o += KEY_TYPE.copy(buf, o);
  buf[o++] = 0x12;
  o = writeVarint(buf, o, typeLength);
  o += buf.write(type, o, 'utf8');

  buf[o++] = 0x32;
  o = writeVarint(buf, o, createdEntry);
  buf[o++] = 0x0a;
  o = writeVarint(buf, o, KEY_CREATED.length);
  o += KEY_CREATED.copy(buf, o);
  buf[o++] = 0x12;
  o = writeVarint(buf, o, createdLength);
  o += buf.write(created, o, 'latin1');

  buf[o++] = 0x32;
  o = writeVarint(buf, o, contentEntry);
  buf[o++] = 0x0a;
  o = writeVarint(buf, o, KEY_CONTENT_TYPE.length);
  o += KEY_CONTENT_TYPE.copy(buf, o);
  buf[o++] = 0x12;
  o = writeVarint(buf, o, contentType.length);
  o += contentType.copy(buf, o);

  if (metadata.length > 0) {
    buf[o++] = 0x3a; // custom_metadata = 7
    o = writeVarint(buf, o, metadata.length);
    o += metadata.copy(buf, o);
  }
  if (data.length > 0) {
    buf[o++] = 0x42; // data = 8
    o = writeVarint(buf, o, data.length);
    o += data.copy(buf, o);
  }

  buf[o++] = 0x18; // ReadEvent.commit_position = 3
  o = writeVarint(buf, o, pos);
  return buf;
}

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
