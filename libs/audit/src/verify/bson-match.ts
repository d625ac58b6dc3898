/**
 * Whether a document serialises to exactly the given BSON bytes, as the driver serialises it
 * (an undefined field as null), told without serialising it: the document and the bytes are
 * walked side by side, and the walk stops at the first difference. It allocates nothing but
 * array indexes as keys and the UTF-8 of non-ASCII strings.
 *
 * `verify` compares two million documents at a million events; serialising each replayed one
 * to compare its bytes was a sixth of its thread's time. The walk knows the values read
 * models hold (strings, numbers, booleans, null, dates, arrays, plain documents); for anything
 * else (a BSON class, a Map, binary data, a regular expression, a bigint) it answers null, and
 * the caller serialises.
 */

/** The walk's answers besides an offset: the bytes differ, or the document holds a value it does not know. */
const MISMATCH = -1;
const UNKNOWN = -2;

const DOUBLE = 0x01;
const STRING = 0x02;
const DOCUMENT = 0x03;
const ARRAY = 0x04;
const BOOLEAN = 0x08;
const DATE = 0x09;
const NULL = 0x0a;
const INT32 = 0x10;

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

const float = new Float64Array(1);
const floatBytes = new Uint8Array(float.buffer);

/** true or false when the walk can tell, null when the document must be serialised to know. */
export function matchesBson(bytes: Uint8Array, doc: object): boolean | null {
  const end = matchDocument(bytes, 0, bytes.length, doc, false);
  if (end === UNKNOWN) return null;
  return end === bytes.length;
}

function int32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

/** The offset after the document that starts at `start` and ends by `limit`, or MISMATCH / UNKNOWN. */
function matchDocument(
  b: Uint8Array,
  start: number,
  limit: number,
  value: object,
  isArray: boolean,
): number {
  if (start + 5 > limit) return MISMATCH;
  const end = start + int32(b, start);
  if (end < start + 5 || end > limit || b[end - 1] !== 0) return MISMATCH;
  // the elements lie before the document's closing NUL
  const last = end - 1;
  let i = start + 4;
  if (isArray) {
    const array = value as unknown[];
    for (let k = 0; k < array.length; k++) {
      i = matchElement(b, i, last, String(k), array[k]);
      if (i < 0) return i;
    }
  } else {
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      i = matchElement(b, i, last, key, object[key]);
      if (i < 0) return i;
    }
  }
  return i === last ? end : MISMATCH;
}

/** The BSON type the serialiser gives a value, or UNKNOWN. */
function typeOf(value: unknown): number {
  if (value === undefined || value === null) return NULL;
  switch (typeof value) {
    case 'string':
      return STRING;
    case 'number':
      // as the serialiser decides: a safe integer in int32 range (not -0) is an int32
      return !Object.is(value, -0) &&
        Number.isSafeInteger(value) &&
        value >= INT32_MIN &&
        value <= INT32_MAX
        ? INT32
        : DOUBLE;
    case 'boolean':
      return BOOLEAN;
    case 'object': {
      const o = value as { toBSON?: unknown; _bsontype?: unknown };
      if (typeof o.toBSON === 'function' || o._bsontype != null) return UNKNOWN;
      if (Array.isArray(value)) return ARRAY;
      if (value instanceof Date) return DATE;
      const proto = Object.getPrototypeOf(value) as unknown;
      return proto === Object.prototype || proto === null ? DOCUMENT : UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

function matchElement(
  b: Uint8Array,
  at: number,
  limit: number,
  key: string,
  value: unknown,
): number {
  const type = typeOf(value);
  if (type === UNKNOWN) return UNKNOWN;
  if (at >= limit || b[at] !== type) return MISMATCH;
  let i = matchCString(b, at + 1, limit, key);
  if (i < 0) return i;
  switch (type) {
    case NULL:
      return i;
    case BOOLEAN:
      return i < limit && b[i] === (value ? 1 : 0) ? i + 1 : MISMATCH;
    case INT32:
      return i + 4 <= limit && int32(b, i) === value ? i + 4 : MISMATCH;
    case DOUBLE: {
      if (Number.isNaN(value)) return UNKNOWN;
      if (i + 8 > limit) return MISMATCH;
      float[0] = value as number;
      for (let k = 0; k < 8; k++) if (b[i + k] !== floatBytes[k]) return MISMATCH;
      return i + 8;
    }
    case DATE: {
      const time = (value as Date).getTime();
      if (!Number.isSafeInteger(time)) return UNKNOWN;
      if (i + 8 > limit) return MISMATCH;
      const low = int32(b, i) >>> 0;
      const high = int32(b, i + 4);
      return high * 0x100000000 + low === time ? i + 8 : MISMATCH;
    }
    case STRING: {
      if (i + 4 > limit) return MISMATCH;
      const size = int32(b, i);
      i += 4;
      if (size < 1 || i + size > limit || b[i + size - 1] !== 0) return MISMATCH;
      return matchUtf8(b, i, size - 1, value as string) ? i + size : MISMATCH;
    }
    default:
      return matchDocument(b, i, limit, value as object, type === ARRAY);
  }
}

/** A key: its UTF-8 bytes and a NUL. A key holding a NUL cannot be serialised: UNKNOWN. */
function matchCString(b: Uint8Array, i: number, limit: number, key: string): number {
  const n = key.length;
  for (let k = 0; k < n; k++) {
    const c = key.charCodeAt(k);
    if (c === 0) return UNKNOWN;
    if (c >= 0x80) {
      const encoded = Buffer.from(key, 'utf8');
      if (i + encoded.length >= limit || b[i + encoded.length] !== 0) return MISMATCH;
      return matchBytes(b, i, encoded) ? i + encoded.length + 1 : MISMATCH;
    }
    if (i + k >= limit || b[i + k] !== c) return MISMATCH;
  }
  return i + n < limit && b[i + n] === 0 ? i + n + 1 : MISMATCH;
}

/** Whether the `length` bytes at `i` are the string's UTF-8 (as Buffer writes it, lone surrogates as U+FFFD). */
function matchUtf8(b: Uint8Array, i: number, length: number, s: string): boolean {
  const n = s.length;
  if (length === n) {
    let ascii = true;
    for (let k = 0; k < n; k++) {
      const c = s.charCodeAt(k);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      if (b[i + k] !== c) return false;
    }
    if (ascii) return true;
  } else if (length < n) {
    // UTF-8 never takes fewer bytes than UTF-16 code units
    return false;
  }
  const encoded = Buffer.from(s, 'utf8');
  return encoded.length === length && matchBytes(b, i, encoded);
}

function matchBytes(b: Uint8Array, i: number, expected: Uint8Array): boolean {
  for (let k = 0; k < expected.length; k++) if (b[i + k] !== expected[k]) return false;
  return true;
}
