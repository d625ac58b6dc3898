/**
 * matchesBson against the serialiser itself: for every document and every byte string it can
 * tell about, its answer is whether serialising the document gives exactly those bytes.
 */
import { BSON, Decimal128, Long, ObjectId } from 'mongodb';
import { seededRandom } from '../../../common/src/testing/seeded-random';
import { matchesBson } from './bson-match';

const serialize = (doc: object) => BSON.serialize(doc, { ignoreUndefined: false });

/** What serialising `doc` and comparing bytes says: the answer matchesBson must give. */
const oracle = (bytes: Uint8Array, doc: object) => Buffer.from(bytes).equals(serialize(doc));

function randomValue(rnd: () => number, depth: number): unknown {
  const pick = Math.floor(rnd() * (depth > 2 ? 9 : 12));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return rnd() < 0.5;
    case 3:
      return Math.floor(rnd() * 2000) - 1000;
    case 4:
      return [0.5, -0, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 2 ** 53, 1e300, Infinity, -1.25][
        Math.floor(rnd() * 9)
      ];
    case 5:
      return [
        '',
        'a',
        'question',
        'caf\u00e9',
        '\u{1F600} x',
        'nul\u0000inside',
        '\ud800 lone',
        'x'.repeat(40),
      ][Math.floor(rnd() * 8)];
    case 6:
      return new Date(Date.UTC(2024, 0, 1) + Math.floor(rnd() * 1e10) - 5e9);
    case 7:
      return `id${Math.floor(rnd() * 1e6).toString(36)}`;
    case 8:
      return Math.floor(rnd() * 1e6);
    case 9:
      return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(rnd, depth + 1));
    default:
      return randomDoc(rnd, depth + 1);
  }
}

function randomDoc(rnd: () => number, depth = 0): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  const keys = [
    '_id',
    'pos',
    'title',
    'votes',
    'caf\u00e9',
    'a',
    'b',
    'counts',
    'tags',
    '\u{1F600}',
  ];
  const n = Math.floor(rnd() * 6) + (depth === 0 ? 2 : 0);
  for (let k = 0; k < n; k++) doc[keys[Math.floor(rnd() * keys.length)]] = randomValue(rnd, depth);
  return doc;
}

describe('matchesBson', () => {
  it('says yes to the bytes of the document itself', () => {
    const rnd = seededRandom(11);
    for (let n = 0; n < 2_000; n++) {
      const doc = randomDoc(rnd);
      expect([matchesBson(serialize(doc), doc), doc]).toEqual([true, doc]);
    }
  });

  it('answers as the serialiser does for changed bytes and for other documents', () => {
    const rnd = seededRandom(12);
    let told = 0;
    for (let n = 0; n < 4_000; n++) {
      const doc = randomDoc(rnd);
      const bytes = serialize(doc);
      const candidates: Uint8Array[] = [serialize(randomDoc(rnd))];
      // one byte changed, the length prefix included
      const flipped = Buffer.from(bytes);
      flipped[Math.floor(rnd() * flipped.length)] ^= 1 << Math.floor(rnd() * 8);
      candidates.push(flipped);
      // one byte more or fewer at the end
      candidates.push(
        Buffer.concat([bytes, Buffer.from([0])]),
        bytes.subarray(0, bytes.length - 1),
      );
      // the same fields in another order
      candidates.push(serialize(Object.fromEntries(Object.entries(doc).reverse())));
      for (const candidate of candidates) {
        const answer = matchesBson(candidate, doc);
        if (answer === null) continue;
        told += 1;
        expect([answer, doc, Buffer.from(candidate).toString('hex')]).toEqual([
          oracle(candidate, doc),
          doc,
          Buffer.from(candidate).toString('hex'),
        ]);
      }
    }
    expect(told).toBeGreaterThan(15_000);
  });

  it('tells apart what BSON tells apart: int32 from double, -0 from 0, null from a missing field', () => {
    expect(matchesBson(serialize({ n: 1.5 }), { n: 1.5 })).toBe(true);
    expect(matchesBson(serialize({ n: 2 ** 31 }), { n: 2 ** 31 - 1 })).toBe(false);
    expect(matchesBson(serialize({ n: -0 }), { n: 0 })).toBe(false);
    expect(matchesBson(serialize({ n: null }), { n: undefined })).toBe(true);
    expect(matchesBson(serialize({}), { n: undefined })).toBe(false);
    expect(matchesBson(serialize({ a: [1, 2] }), { a: { 0: 1, 1: 2 } })).toBe(false);
  });

  it('leaves values it does not know to the serialiser', () => {
    // (bytes of the same BSON type where there is one, so only the value itself is in question)
    const unknown: Array<[unknown, unknown]> = [
      [new ObjectId(), new ObjectId()],
      [Long.fromNumber(5), Long.fromNumber(5)],
      [Decimal128.fromString('1.5'), Decimal128.fromString('1.5')],
      [new Map([['a', 1]]), { a: 1 }],
      [Buffer.from('x'), Buffer.from('x')],
      [/x/, /x/],
      [5n, 5n],
      [NaN, NaN],
      [new Date(NaN), new Date(0)],
    ];
    for (const [value, stored] of unknown) {
      expect([value, matchesBson(serialize({ v: stored }), { v: value })]).toEqual([value, null]);
    }
    // a key with a NUL, which the serialiser refuses
    expect(matchesBson(serialize({ k: 1 }), { ['k\u0000']: 1 })).toBeNull();
  });
});
