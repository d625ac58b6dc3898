/**
 * MongoDB's ordering and equality of BSON values, used by indexes and sorts. mingo's own
 * comparison ranks unknown classes (ObjectId, Timestamp, ...) after everything else, which
 * would put documents in an order a real server never returns, so the server sorts with this.
 */
import { commandError, notSupported } from './mongo.errors';

type Bsonish = { _bsontype?: string; toString(): string };

/** Rank of each BSON type bracket in MongoDB's comparison order. */
export function typeRank(v: unknown): number {
  if (v === null || v === undefined) return 2;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 9;
    case 'object':
      break;
    default:
      return 15;
  }
  if (Array.isArray(v)) return 6;
  if (v instanceof Date) return 10;
  if (v instanceof RegExp) return 12;
  switch ((v as Bsonish)._bsontype) {
    case undefined:
      return 5;
    case 'MinKey':
      return 1;
    case 'Long':
    case 'Int32':
    case 'Double':
    case 'Decimal128':
      return 3;
    case 'BSONSymbol':
      return 4;
    case 'DBRef':
      return 5;
    case 'Binary':
      return 7;
    case 'ObjectId':
      return 8;
    case 'Timestamp':
      return 11;
    case 'BSONRegExp':
      return 12;
    case 'Code':
      return 13;
    case 'MaxKey':
      return 14;
    default:
      return 5;
  }
}

export function isNumeric(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'bigint' || (typeRank(v) === 3 && v !== null);
}

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const t = (v as Bsonish)._bsontype;
  if (t === 'Long') return (v as unknown as { toNumber(): number }).toNumber();
  if (t === 'Int32' || t === 'Double') return (v as unknown as { value: number }).value;
  return Number((v as Bsonish).toString());
}

function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length < b.length ? -1 : 1;
  const ca = a.charCodeAt(i);
  const cb = b.charCodeAt(i);
  // MongoDB compares strings as UTF-8 bytes; UTF-16 code units order differently only from U+D800 on.
  if (ca < 0xd800 && cb < 0xd800) return ca < cb ? -1 : 1;
  return Math.sign(
    Buffer.compare(Buffer.from(a.slice(i), 'utf8'), Buffer.from(b.slice(i), 'utf8')),
  );
}

function bytesOf(v: unknown): Uint8Array {
  const t = (v as Bsonish)._bsontype;
  if (t === 'ObjectId') return (v as unknown as { id: Uint8Array }).id;
  return (v as unknown as { buffer: Uint8Array }).buffer;
}

/** MongoDB's comparison of two BSON values (missing is treated as null). */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 1:
    case 2:
    case 14:
      return 0;
    case 3: {
      const x = toNumber(a);
      const y = toNumber(b);
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
      if (Number.isNaN(y)) return 1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 4:
      return compareStrings(String(a), String(b));
    case 5:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
    case 6: {
      const x = a as unknown[];
      const y = b as unknown[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
    }
    case 7: {
      const x = bytesOf(a);
      const y = bytesOf(b);
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
      const sa = (a as unknown as { sub_type: number }).sub_type;
      const sb = (b as unknown as { sub_type: number }).sub_type;
      if (sa !== sb) return sa < sb ? -1 : 1;
      return Math.sign(Buffer.compare(x, y));
    }
    case 8:
      return Math.sign(Buffer.compare(bytesOf(a), bytesOf(b)));
    case 9:
      return a === b ? 0 : a ? 1 : -1;
    case 10: {
      const x = (a as Date).getTime();
      const y = (b as Date).getTime();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 11: {
      const x = a as unknown as { t: number; i: number };
      const y = b as unknown as { t: number; i: number };
      if (x.t !== y.t) return x.t < y.t ? -1 : 1;
      return x.i === y.i ? 0 : x.i < y.i ? -1 : 1;
    }
    default:
      return compareStrings(String(a), String(b));
  }
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const ta = typeRank(a[ka[i]]);
    const tb = typeRank(b[kb[i]]);
    if (ta !== tb) return ta < tb ? -1 : 1;
    const kc = compareStrings(ka[i], kb[i]);
    if (kc !== 0) return kc;
    const vc = compareValues(a[ka[i]], b[kb[i]]);
    if (vc !== 0) return vc;
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}

/** A string that is equal for two values exactly when compareValues says they are equal. */
export function keyString(v: unknown): string {
  const r = typeRank(v);
  switch (r) {
    case 1:
      return 'm-';
    case 2:
      return 'z';
    case 3: {
      const n = toNumber(v);
      return Object.is(n, -0) ? 'n0' : `n${n}`;
    }
    case 4:
      return `s${String(v)}`;
    case 5: {
      const o = v as Record<string, unknown>;
      let s = '{';
      for (const k of Object.keys(o)) {
        if (o[k] === undefined) continue;
        s += `${k.length}:${k}=${keyString(o[k])},`;
      }
      return `${s}}`;
    }
    case 6:
      return `[${(v as unknown[]).map(keyString).join(',')}]`;
    case 7:
      return `x${(v as unknown as { sub_type: number }).sub_type}:${Buffer.from(bytesOf(v)).toString('base64')}`;
    case 8:
      return `o${v!.toString()}`;
    case 9:
      return v ? 'b1' : 'b0';
    case 10:
      return `d${(v as Date).getTime()}`;
    case 11: {
      const t = v as unknown as { t: number; i: number };
      return `t${t.t}:${t.i}`;
    }
    case 14:
      return 'm+';
    default:
      return `r${String(v)}`;
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Date) &&
    !(v instanceof RegExp) &&
    (v as Bsonish)._bsontype === undefined
  );
}

/**
 * Values a dotted path reaches in a document, descending into arrays the way MongoDB's
 * multikey indexes and sorts do. `arrays` reports whether an array was met on the way.
 */
export function pathValues(
  doc: unknown,
  parts: string[],
  out: unknown[] = [],
  i = 0,
  arrays = { seen: false },
): unknown[] {
  if (i === parts.length) {
    if (Array.isArray(doc)) {
      arrays.seen = true;
      if (doc.length === 0) out.push(undefined);
      else for (const e of doc) out.push(e);
    } else out.push(doc);
    return out;
  }
  if (Array.isArray(doc)) {
    arrays.seen = true;
    const part = parts[i];
    if (/^\d+$/.test(part) && Number(part) < doc.length) {
      pathValues(doc[Number(part)], parts, out, i + 1, arrays);
    }
    for (const e of doc) {
      if (isPlainObject(e)) {
        const v = e[part];
        if (v !== undefined) pathValues(v, parts, out, i + 1, arrays);
      }
    }
    return out;
  }
  if (isPlainObject(doc)) {
    const v = doc[parts[i]];
    if (v !== undefined) pathValues(v, parts, out, i + 1, arrays);
  }
  return out;
}

/** The value a sort by `parts` uses: the smallest array element ascending, the largest descending. */
export function sortValue(doc: unknown, parts: string[], direction: number): unknown {
  const values = pathValues(doc, parts);
  if (values.length === 0) return null;
  let best: unknown = values[0] === undefined ? null : values[0];
  for (let i = 1; i < values.length; i++) {
    const v = values[i] === undefined ? null : values[i];
    const c = compareValues(v, best);
    if ((direction > 0 && c < 0) || (direction < 0 && c > 0)) best = v;
  }
  return best;
}

export type SortSpec = Array<[string[], number]>;

export function parseSort(sort: Record<string, unknown> | undefined): SortSpec {
  if (!sort) return [];
  return Object.entries(sort).map(([field, dir]) => {
    if (isPlainObject(dir)) {
      throw notSupported(`$meta sort on '${field}'`);
    }
    const d = Number(dir);
    if (d !== 1 && d !== -1)
      throw commandError(
        'BadValue',
        `$sort key ordering must be 1 (for ascending) or -1 (for descending)`,
      );
    return [field.split('.'), d] as [string[], number];
  });
}

export function compareBySort(spec: SortSpec): (a: unknown, b: unknown) => number {
  return (a, b) => {
    for (const [parts, dir] of spec) {
      const c = compareValues(sortValue(a, parts, dir), sortValue(b, parts, dir));
      if (c !== 0) return c * dir;
    }
    return 0;
  };
}

/** MongoDB's name for a value's BSON type, as `$type` and error messages use it. */
export function bsonTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? 'int' : 'double';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'date';
  if (v instanceof RegExp) return 'regex';
  const t = (v as { _bsontype?: string })._bsontype;
  if (t === 'ObjectId') return 'objectId';
  if (t === 'Long') return 'long';
  if (t === 'Decimal128') return 'decimal';
  if (t === 'Binary') return 'binData';
  if (t === 'Timestamp') return 'timestamp';
  return 'object';
}

const numberView = new DataView(new ArrayBuffer(8));

/** Four code units whose string order is the numeric order (NaN first, -0 as 0). */
function numberUnits(n: number): number[] {
  if (Number.isNaN(n)) return [0, 0, 0, 0];
  numberView.setFloat64(0, n === 0 ? 0 : n);
  const u = [0, 2, 4, 6].map((o) => numberView.getUint16(o));
  if (u[0] & 0x8000) return u.map((x) => ~x & 0xffff);
  u[0] |= 0x8000;
  return u;
}

/** Strings whose code-unit order differs from MongoDB's UTF-8 byte order, or that hold the terminator. */
const UNENCODABLE_STRING = /[\u0000\ud800-\udfff]/;
/** Longer strings are rare in keys and would need chunked encoding; they compare the slow way. */
const MAX_ENCODED_STRING = 1024;

/**
 * One index key as a string whose plain JavaScript order (`<`) is MongoDB's order of the key
 * under the index's directions, or undefined for values it does not cover (those keep using
 * compareValues). Each field is its type bracket followed by a self-delimiting encoding, so the
 * concatenation orders field by field; a descending field has every code unit complemented.
 */
export function orderKey(values: unknown[], dirs: number[]): string | undefined {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const rank = typeRank(v);
    let units: number[];
    let text: string | undefined;
    switch (rank) {
      case 2:
        units = [];
        break;
      case 3:
        if (typeof v !== 'number') return undefined;
        units = numberUnits(v);
        break;
      case 4:
        if (typeof v !== 'string' || v.length > MAX_ENCODED_STRING || UNENCODABLE_STRING.test(v))
          return undefined;
        units = [];
        text = v;
        break;
      case 8: {
        const bytes = bytesOf(v);
        if (!bytes || bytes.length !== 12) return undefined;
        units = [];
        for (let b = 0; b < 12; b += 2) units.push((bytes[b] << 8) | bytes[b + 1]);
        break;
      }
      case 9:
        units = [v ? 1 : 0];
        break;
      case 10: {
        const t = (v as Date).getTime();
        if (Number.isNaN(t)) return undefined;
        units = numberUnits(t);
        break;
      }
      default:
        return undefined;
    }
    if (dirs[i] >= 0) {
      out += String.fromCharCode(rank, ...units);
      if (text !== undefined) out += `${text}\u0000`;
    } else {
      let s = String.fromCharCode(0xffff - rank, ...units.map((u) => 0xffff - u));
      if (text !== undefined) {
        const codes = new Array<number>(text.length + 1);
        for (let c = 0; c < text.length; c++) codes[c] = 0xffff - text.charCodeAt(c);
        codes[text.length] = 0xffff;
        s += String.fromCharCode(...codes);
      }
      out += s;
    }
  }
  return out;
}
