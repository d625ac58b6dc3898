import { Long, ObjectId, Timestamp } from 'bson';
import { compareValues, keyString, sortValue } from './bson.order';

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
