import { Long, ObjectId, Timestamp } from 'bson';
import { compareValues, keyString, orderKey, sortValue } from './bson.order';

describe('BSON comparison order', () => {
  it('orders type brackets as MongoDB does', () => {
    const ascending = [
      null,
      -1,
      2.5,
      'a',
      { a: 1 },
      [1],
      new ObjectId(),
      false,
      true,
      new Date(0),
      new Timestamp({ t: 1, i: 1 }),
      /x/,
    ];
    for (let i = 1; i < ascending.length; i++) {
      expect(compareValues(ascending[i - 1], ascending[i])).toBe(-1);
      expect(compareValues(ascending[i], ascending[i - 1])).toBe(1);
    }
  });

  it('compares numbers across representations', () => {
    expect(compareValues(1, Long.fromNumber(1))).toBe(0);
    expect(keyString(1)).toBe(keyString(Long.fromNumber(1)));
    expect(compareValues(Long.fromNumber(2), 1.5)).toBe(1);
  });

  it('compares strings by UTF-8 bytes', () => {
    expect(compareValues('\uffff', '\u{10000}')).toBe(-1);
    expect(compareValues('ab', 'abc')).toBe(-1);
  });

  it('compares ObjectIds by their bytes', () => {
    expect(
      compareValues(
        new ObjectId('000000000000000000000002'),
        new ObjectId('000000000000000000000010'),
      ),
    ).toBe(-1);
  });

  it('sorts an array field by its smallest element ascending and largest descending', () => {
    expect(sortValue({ a: [3, 1, 2] }, ['a'], 1)).toBe(1);
    expect(sortValue({ a: [3, 1, 2] }, ['a'], -1)).toBe(3);
    expect(sortValue({}, ['a'], 1)).toBeNull();
  });
});

describe('orderKey', () => {
  const values: unknown[] = [
    null,
    undefined,
    Number.NaN,
    -Infinity,
    -1e300,
    -2.5,
    -1,
    -0,
    0,
    1e-300,
    1,
    2,
    2.5,
    255,
    256,
    65536,
    2 ** 53,
    Infinity,
    '',
    'a',
    'a\u0001',
    'ab',
    'abc',
    'b',
    'B',
    '\u00e9',
    '\u4e2d',
    '\uffff',
    new ObjectId('000000000000000000000000'),
    new ObjectId('0000000000000000000000ff'),
    new ObjectId('ff0000000000000000000001'),
    false,
    true,
    new Date(-1),
    new Date(0),
    new Date(1_700_000_000_000),
  ];
  const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
  const stringOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  it('orders encoded single keys exactly as compareValues, in both directions', () => {
    for (const dir of [1, -1]) {
      for (const a of values) {
        for (const b of values) {
          const ka = orderKey([a], [dir])!;
          const kb = orderKey([b], [dir])!;
          expect([a, b, dir, stringOrder(ka, kb)]).toEqual([
            a,
            b,
            dir,
            sign(compareValues(a, b) * dir),
          ]);
        }
      }
    }
  });

  it('orders compound keys field by field with mixed directions', () => {
    const few = ['', 'a', 'ab', 1, 2, null, true, new Date(5)];
    for (const dirs of [
      [1, 1],
      [1, -1],
      [-1, 1],
      [-1, -1],
    ]) {
      for (const a1 of few)
        for (const a2 of few)
          for (const b1 of few)
            for (const b2 of few) {
              const expected = sign(
                compareValues(a1, b1) * dirs[0] || compareValues(a2, b2) * dirs[1],
              );
              const got = stringOrder(orderKey([a1, a2], dirs)!, orderKey([b1, b2], dirs)!);
              expect([a1, a2, b1, b2, dirs, got]).toEqual([a1, a2, b1, b2, dirs, expected]);
            }
    }
  });

  it('leaves values it cannot encode to the field-by-field comparison', () => {
    for (const v of [
      { a: 1 },
      [1],
      'a\u0000b',
      '\ud83d\ude00',
      Long.fromNumber(1),
      new Date(Number.NaN),
    ])
      expect(orderKey([v], [1])).toBeUndefined();
  });
});
