/**
 * One index of a collection: entries kept sorted by (key, record sequence) in a list of small
 * sorted blocks, so an insert or delete costs the same at any collection size, plus a hash map
 * of keys for unique indexes. The query planner scans
 * ranges of it, so lookups, ranges and sorted pages by an indexed field do not read the
 * whole collection.
 */
import { Query } from 'mingo';
import {
  compareValues,
  isPlainObject,
  keyString,
  orderKey,
  pathValues,
  typeRank,
} from './bson.order';
import { commandError } from './mongo.errors';
import { SortedBlockList, type ListPosition } from './sorted-blocks.list';

export type Doc = Record<string, unknown>;

/** A stored document. The record object lives as long as the document; `doc` is replaced on update. */
export interface DocRecord {
  seq: number;
  doc: Doc;
}

export interface IndexSpec {
  name: string;
  key: Record<string, number>;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  expireAfterSeconds?: number;
}

/**
 * One key of one record. A key orderKey can encode is kept as that string alone (`k` is
 * undefined): the values are in the record's document, and keeping both would double what the
 * garbage collector traces per entry. A key it cannot encode keeps its values in `k`.
 */
interface Entry {
  k: unknown[] | undefined;
  r: DocRecord;
  /** The key encoded so that string order is index order (see orderKey), when it can be. */
  o: string | undefined;
}

/** A probe value standing for the start or the end of one BSON type bracket. */
export class BracketBound {
  constructor(
    readonly rank: number,
    readonly atEnd: boolean,
  ) {}
}

function compareProbe(value: unknown, probe: unknown): number {
  if (probe instanceof BracketBound) {
    const r = typeRank(value);
    if (r !== probe.rank) return r < probe.rank ? -1 : 1;
    return probe.atEnd ? -1 : 1;
  }
  return compareValues(value, probe);
}

/** A range of the index in index order: entries whose key prefix lies between lo and hi. */
export interface Interval {
  lo: unknown[];
  loInclusive: boolean;
  hi: unknown[];
  hiInclusive: boolean;
}

export function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  if (Array.isArray(v)) return `[ ${v.map(formatValue).join(', ')} ]`;
  const t = (v as { _bsontype?: string })._bsontype;
  if (t === 'ObjectId') return `ObjectId('${String(v)}')`;
  if (isPlainObject(v)) {
    const inner = Object.entries(v)
      .map(([k, x]) => `${k}: ${formatValue(x)}`)
      .join(', ');
    return inner ? `{ ${inner} }` : '{}';
  }
  return String(v);
}

export class CollectionIndex {
  readonly fields: Array<{ path: string; parts: string[]; dir: number }>;
  readonly entries: SortedBlockList<Entry>;
  readonly uniqueKeys?: Map<string, DocRecord>;
  /** Fields where some document holds an array (so it has several keys in this index). */
  readonly multikeyPaths = new Set<string>();
  private readonly partial?: Query;
  private readonly dirs: number[];

  constructor(
    readonly spec: IndexSpec,
    private readonly namespace: string,
  ) {
    this.fields = Object.entries(spec.key).map(([path, dir]) => ({
      path,
      parts: path.split('.'),
      dir: Number(dir) < 0 ? -1 : 1,
    }));
    // The collection's own map of records by _id already enforces _id uniqueness.
    if (spec.unique && spec.name !== '_id_') this.uniqueKeys = new Map();
    if (spec.partialFilterExpression) this.partial = new Query(spec.partialFilterExpression);
    this.dirs = this.fields.map((f) => f.dir);
    this.entries = new SortedBlockList<Entry>((a, b) => this.compareEntries(a, b));
  }

  get name(): string {
    return this.spec.name;
  }

  get multikey(): boolean {
    return this.multikeyPaths.size > 0;
  }

  get isId(): boolean {
    return this.spec.name === '_id_';
  }

  /** Every key the document has in this index (several when a field holds an array), or none. */
  keysFor(doc: Doc): unknown[][] {
    if (this.partial && !this.partial.test(doc)) return [];
    const n = this.fields.length;
    // the values of each field; keys are their combinations, each an array of exactly n
    // values (an index can hold millions of them)
    const options: unknown[][] = new Array(n);
    let allMissing = true;
    let single = true;
    for (let i = 0; i < n; i++) {
      const f = this.fields[i];
      const arrays = { seen: false };
      const values = pathValues(doc, f.parts, [], 0, arrays);
      if (values.length > 0) allMissing = false;
      if (arrays.seen) this.multikeyPaths.add(f.path);
      options[i] =
        values.length === 0 ? [null] : values.length === 1 ? values : distinctValues(values);
      if (options[i].length > 1) single = false;
    }
    if (this.spec.sparse && allMissing) return [];
    if (single) {
      const key: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) key[i] = options[i][0];
      return [key];
    }
    let keys: unknown[][] = [[]];
    for (const values of options) {
      const next: unknown[][] = [];
      for (const v of values) for (const k of keys) next.push([...k, v]);
      keys = next;
    }
    return keys;
  }

  private uniqueKey(k: unknown[]): string {
    return k.length === 1 ? keyString(k[0]) : k.map(keyString).join('\u0001');
  }

  /** Throws MongoDB's duplicate key error if another document already holds one of the keys. */
  checkUnique(rec: DocRecord | undefined, keys: unknown[][]): void {
    if (!this.uniqueKeys) return;
    for (const k of keys) {
      const holder = this.uniqueKeys.get(this.uniqueKey(k));
      if (holder && holder !== rec) throw this.duplicateError(k);
    }
  }

  duplicateError(k: unknown[]) {
    const keyValue: Doc = {};
    this.fields.forEach((f, i) => (keyValue[f.path] = k[i] === undefined ? null : k[i]));
    const shown = this.fields.map((f, i) => `${f.path}: ${formatValue(k[i])}`).join(', ');
    return commandError(
      'DuplicateKey',
      `E11000 duplicate key error collection: ${this.namespace} index: ${this.name} dup key: { ${shown} }`,
      { keyPattern: { ...this.spec.key }, keyValue },
    );
  }

  /**
   * Index order. Encoded keys compare as plain strings, several times faster than comparing
   * BSON values field by field, which is most of the cost of a write with several indexes.
   */
  private compareEntries(a: Entry, b: Entry): number {
    if (a.o === undefined || b.o === undefined) return this.compareEntry(this.keyOf(a), a.r.seq, b);
    if (a.o !== b.o) return a.o < b.o ? -1 : 1;
    return a.r.seq === b.r.seq ? 0 : a.r.seq < b.r.seq ? -1 : 1;
  }

  private entry(k: unknown[], r: DocRecord): Entry {
    const o = orderKey(k, this.dirs);
    return { k: o === undefined ? k : undefined, r, o };
  }

  /**
   * The values of an entry's key. An encoded one takes them from its record's document, which
   * holds them as long as the entry exists: only comparisons with a key that cannot be encoded
   * (rare values, a few per search) come here.
   */
  private keyOf(e: Entry): unknown[] {
    if (e.k) return e.k;
    for (const k of this.keysFor(e.r.doc)) if (orderKey(k, this.dirs) === e.o) return k;
    throw new Error(`index ${this.name} holds a key its document no longer has`);
  }

  private compareEntry(a: unknown[], aSeq: number, b: Entry): number {
    const bk = this.keyOf(b);
    for (let i = 0; i < this.fields.length; i++) {
      const c = compareValues(a[i], bk[i]);
      if (c !== 0) return c * this.fields[i].dir;
    }
    return aSeq === b.r.seq ? 0 : aSeq < b.r.seq ? -1 : 1;
  }

  add(rec: DocRecord, keys: unknown[][]): void {
    for (const k of keys) {
      this.entries.insert(this.entry(k, rec));
      this.uniqueKeys?.set(this.uniqueKey(k), rec);
    }
  }

  remove(rec: DocRecord, keys: unknown[][]): void {
    for (const k of keys) {
      this.entries.delete(this.entry(k, rec));
      if (this.uniqueKeys) {
        const uk = this.uniqueKey(k);
        if (this.uniqueKeys.get(uk) === rec) this.uniqueKeys.delete(uk);
      }
    }
  }

  /** Builds the index over existing records, failing on the first duplicate of a unique key. */
  build(records: Iterable<DocRecord>): void {
    const all: Entry[] = [];
    for (const rec of records) {
      const keys = this.keysFor(rec.doc);
      for (const k of keys) {
        if (this.uniqueKeys) {
          const uk = this.uniqueKey(k);
          const holder = this.uniqueKeys.get(uk);
          if (holder && holder !== rec) {
            this.uniqueKeys.clear();
            throw this.duplicateError(k);
          }
          this.uniqueKeys.set(uk, rec);
        }
        all.push(this.entry(k, rec));
      }
    }
    all.sort((a, b) => this.compareEntries(a, b));
    this.entries.load(all);
  }

  clear(): void {
    this.entries.clear();
    this.uniqueKeys?.clear();
  }

  private comparePrefix(k: unknown[], probe: unknown[]): number {
    for (let i = 0; i < probe.length; i++) {
      const c = compareProbe(k[i], probe[i]);
      if (c !== 0) return c * this.fields[i].dir;
    }
    return 0;
  }

  /** First position whose key prefix is >= probe (or > probe when exclusive), in index order. */
  private lowerBound(probe: unknown[], exclusive: boolean): ListPosition {
    // An encodable probe compares with encoded entries as strings: the encoding of a key prefix
    // is a string prefix of the encoding of every key that starts with it, and no encoded
    // field starts with U+FFFF, so `+ '\uffff'` sorts after all of them.
    const encoded = orderKey(probe, this.dirs);
    if (encoded !== undefined) {
      const bound = exclusive ? `${encoded}\uffff` : encoded;
      return this.entries.lowerBound((e) => {
        if (e.o !== undefined) return e.o < bound;
        const c = this.comparePrefix(e.k!, probe);
        return c < 0 || (exclusive && c === 0);
      });
    }
    return this.entries.lowerBound((e) => {
      const c = this.comparePrefix(this.keyOf(e), probe);
      return c < 0 || (exclusive && c === 0);
    });
  }

  /**
   * Hands the records of the entries inside the interval to `visit`, in index order or
   * reversed, until it answers false; answers whether it went through them all.
   */
  scanEach(
    interval: Interval,
    reverse: boolean,
    counter: { keys: number },
    visit: (rec: DocRecord) => boolean,
  ): boolean {
    const start = this.lowerBound(interval.lo, !interval.loInclusive);
    const end = this.lowerBound(interval.hi, interval.hiInclusive);
    return this.entries.forEachBetween(start, end, reverse, (e) => {
      counter.keys++;
      return visit(e.r);
    });
  }

  /** Entries of the interval, counted without reading them. */
  countIn(interval: Interval): number {
    return this.entries.countBetween(
      this.lowerBound(interval.lo, !interval.loInclusive),
      this.lowerBound(interval.hi, interval.hiInclusive),
    );
  }

  describe(): Doc {
    const out: Doc = { v: 2, key: { ...this.spec.key }, name: this.name };
    if (this.spec.unique && !this.isId) out.unique = true;
    if (this.spec.sparse) out.sparse = true;
    if (this.spec.partialFilterExpression)
      out.partialFilterExpression = this.spec.partialFilterExpression;
    if (this.spec.expireAfterSeconds !== undefined)
      out.expireAfterSeconds = this.spec.expireAfterSeconds;
    return out;
  }
}

/** An array's distinct values (by BSON equality), in their first order: one key each. */
function distinctValues(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const ks = keyString(v);
    if (seen.has(ks)) return false;
    seen.add(ks);
    return true;
  });
}
