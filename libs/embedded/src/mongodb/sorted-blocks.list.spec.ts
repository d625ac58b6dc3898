import { SortedBlockList } from './sorted-blocks.list';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const byNumber = (a: number, b: number) => a - b;

describe('SortedBlockList', () => {
  it('keeps items in order through thousands of inserts and deletes across block splits', () => {
    const rnd = random(7);
    const list = new SortedBlockList<number>(byNumber);
    const model: number[] = [];
    for (let step = 0; step < 20_000; step++) {
      if (model.length > 0 && rnd() < 0.35) {
        const victim = model[Math.floor(rnd() * model.length)];
        expect(list.delete(victim)).toBe(true);
        model.splice(model.indexOf(victim), 1);
      } else {
        const v = Math.floor(rnd() * 1e9);
        if (model.includes(v)) continue;
        list.insert(v);
        model.push(v);
      }
    }
    model.sort(byNumber);
    expect(list.size).toBe(model.length);
    expect([...list]).toEqual(model);
    expect(list.delete(-1)).toBe(false);
  });

  it('reads ranges forwards and backwards and counts them like a sorted array', () => {
    const list = new SortedBlockList<number>(byNumber);
    const values = Array.from({ length: 3000 }, (_, i) => i * 2);
    for (const v of [...values].reverse()) list.insert(v);
    const cases: Array<[number, number]> = [
      [-5, 10_000],
      [0, 0],
      [1, 3],
      [499, 1601],
      [1000, 1022],
      [5998, 5999],
      [6000, 7000],
      [40, 20],
    ];
    for (const [lo, hi] of cases) {
      const from = list.lowerBound((x) => x < lo);
      const to = list.lowerBound((x) => x <= hi);
      const expected = values.filter((v) => v >= lo && v <= hi);
      expect([...list.between(from, to, false)]).toEqual(expected);
      expect([...list.between(from, to, true)]).toEqual([...expected].reverse());
      expect(list.countBetween(from, to)).toBe(expected.length);
      for (const reverse of [false, true]) {
        const visited: number[] = [];
        expect(list.forEachBetween(from, to, reverse, (x) => visited.push(x) > 0)).toBe(true);
        expect(visited).toEqual(reverse ? [...expected].reverse() : expected);
        const firstFive: number[] = [];
        const whole = list.forEachBetween(from, to, reverse, (x) => firstFive.push(x) < 5);
        expect(whole).toBe(expected.length < 5);
        expect(firstFive).toEqual(visited.slice(0, 5));
      }
    }
  });

  it('loads sorted items in bulk and keeps accepting inserts and deletes', () => {
    const list = new SortedBlockList<number>(byNumber);
    list.load(Array.from({ length: 1000 }, (_, i) => i * 10));
    list.insert(5);
    list.insert(9995);
    expect(list.delete(500)).toBe(true);
    const all = [...list];
    expect(all.length).toBe(1001);
    expect(all.slice(0, 3)).toEqual([0, 5, 10]);
    expect(all.includes(500)).toBe(false);
    expect(all[all.length - 1]).toBe(9995);
    list.clear();
    expect([...list]).toEqual([]);
    expect([
      ...list.between(
        list.lowerBound(() => false),
        list.lowerBound(() => true),
        true,
      ),
    ]).toEqual([]);
    const none = (reverse: boolean) =>
      list.forEachBetween(
        list.lowerBound(() => false),
        list.lowerBound(() => true),
        reverse,
        () => {
          throw new Error('an empty list has no items');
        },
      );
    expect(none(false)).toBe(true);
    expect(none(true)).toBe(true);
  });
});
