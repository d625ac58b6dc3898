/**
 * MongoDB wire-protocol framing: the 16-byte header, OP_MSG (kind-0 body and kind-1 document
 * sequences, optional CRC-32C trailer), the legacy OP_QUERY handshake and its OP_REPLY.
 */
import { deserialize, serialize, Long } from 'bson';
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

export function encodeOpMsg(requestId: number, responseTo: number, body: Buffer): Buffer {
  const length = 16 + 4 + 1 + body.length;
  const out = Buffer.allocUnsafe(length);
  header(length, requestId, responseTo, OP_MSG).copy(out, 0);
  out.writeUInt32LE(0, 16);
  out[20] = 0;
  body.copy(out, 21);
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

/* Hand-built BSON for cursor replies: documents are serialized once and spliced in. */

function cstring(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
}

function element(type: number, name: string, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), cstring(name), value]);
}

function documentOf(elements: Buffer[]): Buffer {
  const size = 4 + elements.reduce((n, e) => n + e.length, 0) + 1;
  const out = Buffer.allocUnsafe(size);
  out.writeInt32LE(size, 0);
  let at = 4;
  for (const e of elements) {
    e.copy(out, at);
    at += e.length;
  }
  out[at] = 0;
  return out;
}

export function cursorReplyBody(
  field: 'firstBatch' | 'nextBatch',
  docs: Buffer[],
  id: Long,
  ns: string,
): Buffer {
  const arrayElements = docs.map((d, i) => element(0x03, String(i), d));
  const idBytes = Buffer.allocUnsafe(8);
  idBytes.writeBigInt64LE(id.toBigInt());
  const nsBytes = Buffer.from(ns, 'utf8');
  const nsValue = Buffer.allocUnsafe(4 + nsBytes.length + 1);
  nsValue.writeInt32LE(nsBytes.length + 1, 0);
  nsBytes.copy(nsValue, 4);
  nsValue[4 + nsBytes.length] = 0;
  const cursor = documentOf([
    element(0x04, field, documentOf(arrayElements)),
    element(0x12, 'id', idBytes),
    element(0x02, 'ns', nsValue),
  ]);
  const ok = Buffer.allocUnsafe(8);
  ok.writeDoubleLE(1);
  return documentOf([element(0x03, 'cursor', cursor), element(0x01, 'ok', ok)]);
}
