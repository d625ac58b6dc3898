/**
 * MongoDB wire-protocol framing: the 16-byte header, OP_MSG (kind-0 body and kind-1 document
 * sequences, optional CRC-32C trailer), the legacy OP_QUERY handshake and its OP_REPLY.
 */
import {
  calculateObjectSize,
  deserialize,
  serialize,
  serializeWithBufferAndIndex,
  Long,
} from 'bson';
import type { Doc } from './collection.index';
import { commandError } from './mongo.errors';

/** bson returns Uint8Array; node's socket and Buffer helpers want a Buffer over the same bytes. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE = 48_000_000;

const CHECKSUM_PRESENT = 1;
export const MORE_TO_COME = 2;
const EXHAUST_ALLOWED = 1 << 16;
/** Bits 0-15 are required: a receiver must fail on any it does not know. */
const KNOWN_REQUIRED_BITS = CHECKSUM_PRESENT | MORE_TO_COME;

export interface RawMessage {
  requestId: number;
  responseTo: number;
  opCode: number;
  /** The message after its header. */
  payload: Buffer;
}

/** Thrown when the byte stream can no longer be framed; the connection must be closed. */
export class FramingError extends Error {}

/** Accumulates socket chunks and cuts them into messages. */
export class MessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): RawMessage[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: RawMessage[] = [];
    while (this.buffered >= 4) {
      // Only the length field is needed until the whole message is in: joining every chunk
      // as it arrives would copy a large message once per chunk.
      if (this.chunks[0].length < 4) this.flatten();
      const length = this.chunks[0].readInt32LE(0);
      if (length < 16 || length > MAX_MESSAGE_SIZE) {
        throw new FramingError(
          `message length ${length} is invalid or larger than ${MAX_MESSAGE_SIZE}`,
        );
      }
      if (this.buffered < length) break;
      const all = this.chunks.length === 1 ? this.chunks[0] : this.flatten();
      out.push({
        requestId: all.readInt32LE(4),
        responseTo: all.readInt32LE(8),
        opCode: all.readInt32LE(12),
        payload: all.subarray(16, length),
      });
      const rest = all.subarray(length);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
    }
    return out;
  }

  private flatten(): Buffer {
    const all = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [all];
    return all;
  }
}

function readDoc(buf: Buffer, at: number, end: number): { doc: Doc; next: number } {
  if (at + 5 > end) throw commandError('InvalidBSON', 'BSON document is truncated');
  const size = buf.readInt32LE(at);
  if (size < 5 || at + size > end)
    throw commandError('InvalidBSON', `BSON document size ${size} is invalid`);
  if (size > MAX_BSON_OBJECT_SIZE + 16 * 1024) {
    throw commandError(
      'BSONObjectTooLarge',
      `BSONObj size: ${size} is invalid. Size must be between 0 and 16793600(16MB)`,
    );
  }
  try {
    const doc = deserialize(buf.subarray(at, at + size), { validation: { utf8: true } }) as Doc;
    return { doc, next: at + size };
  } catch (e) {
    throw commandError('InvalidBSON', `invalid BSON: ${(e as Error).message}`);
  }
}

export interface OpMsgRequest {
  flags: number;
  body: Doc;
}

/** Decodes an OP_MSG: the body with every document sequence merged in as an array field. */
export function parseOpMsg(payload: Buffer): OpMsgRequest {
  if (payload.length < 5) throw commandError('InvalidBSON', 'OP_MSG is too short');
  const flags = payload.readUInt32LE(0);
  if ((flags & 0xffff & ~KNOWN_REQUIRED_BITS) !== 0) {
    throw new FramingError(`OP_MSG has unknown required flag bits ${flags & 0xffff}`);
  }
  const end = flags & CHECKSUM_PRESENT ? payload.length - 4 : payload.length;
  let at = 4;
  let body: Doc | undefined;
  const sequences: Array<[string, Doc[]]> = [];
  while (at < end) {
    const kind = payload[at++];
    if (kind === 0) {
      if (body) throw commandError('InvalidBSON', 'OP_MSG has more than one body section');
      const r = readDoc(payload, at, end);
      body = r.doc;
      at = r.next;
    } else if (kind === 1) {
      if (at + 4 > end) throw commandError('InvalidBSON', 'document sequence is truncated');
      const size = payload.readInt32LE(at);
      const seqEnd = at + size;
      if (size < 5 || seqEnd > end)
        throw commandError('InvalidBSON', 'document sequence size is invalid');
      const nameEnd = payload.indexOf(0, at + 4);
      if (nameEnd < 0 || nameEnd >= seqEnd)
        throw commandError('InvalidBSON', 'document sequence identifier is invalid');
      const name = payload.toString('utf8', at + 4, nameEnd);
      const docs: Doc[] = [];
      let p = nameEnd + 1;
      while (p < seqEnd) {
        const r = readDoc(payload, p, seqEnd);
        docs.push(r.doc);
        p = r.next;
      }
      sequences.push([name, docs]);
      at = seqEnd;
    } else {
      throw commandError('InvalidBSON', `OP_MSG section kind ${kind} is unknown`);
    }
  }
  if (!body) throw commandError('InvalidBSON', 'OP_MSG has no body section');
  for (const [name, docs] of sequences) {
    if (name in body)
      throw commandError(
        'InvalidBSON',
        `duplicate field '${name}' in OP_MSG body and document sequence`,
      );
    body[name] = docs;
  }
  return { flags: flags & ~EXHAUST_ALLOWED, body };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

/** The bytes an OP_MSG puts before its body: header, flag bits, section kind. */
const OP_MSG_PREFIX = 16 + 4 + 1;
/** Bodies built with room for the OP_MSG prefix in front of them, in memory they own. */
const withPrefixRoom = new WeakSet<Buffer>();

export function encodeOpMsg(requestId: number, responseTo: number, body: Buffer): Buffer {
  const length = OP_MSG_PREFIX + body.length;
  const inPlace = withPrefixRoom.has(body);
  const out = inPlace
    ? Buffer.from(body.buffer, body.byteOffset - OP_MSG_PREFIX, length)
    : Buffer.allocUnsafe(length);
  out.writeInt32LE(length, 0);
  out.writeInt32LE(requestId, 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(OP_MSG, 12);
  out.writeUInt32LE(0, 16);
  out[20] = 0;
  if (!inPlace) body.copy(out, OP_MSG_PREFIX);
  return out;
}

export interface OpQueryRequest {
  collection: string;
  query: Doc;
}

export function parseOpQuery(payload: Buffer): OpQueryRequest {
  const nameEnd = payload.indexOf(0, 4);
  if (nameEnd < 0) throw commandError('InvalidBSON', 'OP_QUERY collection name is not terminated');
  const collection = payload.toString('utf8', 4, nameEnd);
  const at = nameEnd + 1 + 8;
  const { doc } = readDoc(payload, at, payload.length);
  const query = doc.$query && typeof doc.$query === 'object' ? (doc.$query as Doc) : doc;
  return { collection, query };
}

export function encodeOpReply(requestId: number, responseTo: number, doc: Doc): Buffer {
  const body = asBuffer(serialize(doc));
  const length = 16 + 20 + body.length;
  const out = Buffer.allocUnsafe(length);
  header(length, requestId, responseTo, OP_REPLY).copy(out, 0);
  out.writeInt32LE(0, 16);
  out.writeBigInt64LE(0n, 20);
  out.writeInt32LE(0, 28);
  out.writeInt32LE(1, 32);
  body.copy(out, 36);
  return out;
}

/*
 * Cursor replies are built by hand: each document is serialized once, straight after its
 * array key in a scratch buffer, and the batch is copied once into the reply, which keeps room
 * in front for the OP_MSG prefix so that encodeOpMsg need not copy it again.
 */

const CURSOR_NAME = Buffer.from('cursor\0', 'latin1');
const FIRST_BATCH_NAME = Buffer.from('firstBatch\0', 'latin1');
const NEXT_BATCH_NAME = Buffer.from('nextBatch\0', 'latin1');
const ID_NAME = Buffer.from('id\0', 'latin1');
const NS_NAME = Buffer.from('ns\0', 'latin1');
const OK_NAME = Buffer.from('ok\0', 'latin1');

/** The documents of one batch as the elements of a BSON array. */
export class BatchBuilder {
  /** One batch is built at a time (handlers run synchronously), so the scratch is shared. */
  private static scratch = Buffer.allocUnsafe(256 * 1024);
  private at = 0;
  /** Documents in the batch. */
  count = 0;
  /** Bytes of the documents alone. */
  docBytes = 0;

  private ensure(free: number): void {
    const buf = BatchBuilder.scratch;
    if (this.at + free <= buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(buf.length * 2, this.at + free));
    buf.copy(grown, 0, 0, this.at);
    BatchBuilder.scratch = grown;
  }

  /**
   * Appends the document unless it would take the batch's documents past `maxBytes` (a first
   * document is always taken); answers whether it was appended.
   */
  add(doc: Doc, maxBytes: number): boolean {
    const key = String(this.count);
    const start = this.at;
    const docAt = start + key.length + 2;
    let end: number;
    try {
      end = this.serializeAt(doc, key, 16 * 1024);
    } catch (e) {
      // Larger than the scratch has room for: make room and serialize it again.
      const size = calculateObjectSize(doc);
      if (docAt + size <= BatchBuilder.scratch.length) throw e;
      end = this.serializeAt(doc, key, size);
    }
    const size = end - docAt;
    if (this.count > 0 && this.docBytes + size > maxBytes) {
      this.at = start;
      return false;
    }
    this.at = end;
    this.docBytes += size;
    this.count++;
    return true;
  }

  /** Writes the array key and the document after the batch so far; answers where it ends. */
  private serializeAt(doc: Doc, key: string, room: number): number {
    this.ensure(key.length + 2 + room);
    const buf = BatchBuilder.scratch;
    buf[this.at] = 0x03;
    for (let c = 0; c < key.length; c++) buf[this.at + 1 + c] = key.charCodeAt(c);
    buf[this.at + 1 + key.length] = 0;
    return serializeWithBufferAndIndex(doc, buf, { index: this.at + key.length + 2 }) + 1;
  }

  /** `{ cursor: { <field>: [documents], id, ns }, ok: 1 }`, ready for encodeOpMsg. */
  replyBody(field: 'firstBatch' | 'nextBatch', id: Long, ns: string): Buffer {
    const nsLength = Buffer.byteLength(ns, 'utf8');
    const arraySize = 4 + this.at + 1;
    const cursorSize =
      4 + (1 + field.length + 1 + arraySize) + (1 + 3 + 8) + (1 + 3 + 4 + nsLength + 1) + 1;
    const bodySize = 4 + (1 + 7 + cursorSize) + (1 + 3 + 8) + 1;
    const whole = Buffer.allocUnsafe(OP_MSG_PREFIX + bodySize);
    const out = whole.subarray(OP_MSG_PREFIX);
    let p = 0;
    out.writeInt32LE(bodySize, p);
    p += 4;
    out[p++] = 0x03;
    p += CURSOR_NAME.copy(out, p);
    out.writeInt32LE(cursorSize, p);
    p += 4;
    out[p++] = 0x04;
    p += (field === 'firstBatch' ? FIRST_BATCH_NAME : NEXT_BATCH_NAME).copy(out, p);
    out.writeInt32LE(arraySize, p);
    p += 4;
    p += BatchBuilder.scratch.copy(out, p, 0, this.at);
    out[p++] = 0;
    out[p++] = 0x12;
    p += ID_NAME.copy(out, p);
    out.writeBigInt64LE(id.toBigInt(), p);
    p += 8;
    out[p++] = 0x02;
    p += NS_NAME.copy(out, p);
    out.writeInt32LE(nsLength + 1, p);
    p += 4;
    p += out.write(ns, p, 'utf8');
    out[p++] = 0;
    out[p++] = 0;
    out[p++] = 0x01;
    p += OK_NAME.copy(out, p);
    out.writeDoubleLE(1, p);
    out[p + 8] = 0;
    withPrefixRoom.add(out);
    return out;
  }
}
