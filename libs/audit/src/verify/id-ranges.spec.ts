/** How `verify` splits a large collection's string `_id`s into ranges read at the same time. */
import { idRanges } from './read-model.verifier';

type Bound = { $lt?: string; $gte?: string };

/** Whether a string `_id` falls in a range filter, comparing as MongoDB does (UTF-8 bytes). */
function inRange(id: string, filter: { _id?: Bound }): boolean {
  const bound = filter._id;
  if (!bound) return true;
  const bytes = Buffer.from(id, 'utf8');
  if (bound.$gte !== undefined && Buffer.compare(bytes, Buffer.from(bound.$gte, 'utf8')) < 0)
    return false;
  if (bound.$lt !== undefined && Buffer.compare(bytes, Buffer.from(bound.$lt, 'utf8')) >= 0)
    return false;
  return true;
}

describe('idRanges', () => {
  it('reads a collection with fewer ids than one range as one filter over everything', () => {
    expect(idRanges(['a', 'b', 'c'], 10)).toEqual([{}]);
  });

  it('splits ids into at most four ranges of about rangeSize, each id in exactly one', () => {
    const ids = Array.from({ length: 1_000 }, (_, i) => `q${(i * 7919).toString(36)}`);
    const ranges = idRanges(ids, 300);
    expect(ranges).toHaveLength(3);
    const sizes = ranges.map((r) => ids.filter((id) => inRange(id, r as { _id?: Bound })).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(ids.length);
    for (const size of sizes) expect(size).toBeGreaterThanOrEqual(300);
    expect(idRanges(ids, 10)).toHaveLength(4);
    // ids the replay does not have fall in one range too (the first and last are open-ended)
    for (const stranger of ['', 'a', 'q', 'zzzz', '\u{1F600}'])
      expect(ranges.filter((r) => inRange(stranger, r as { _id?: Bound }))).toHaveLength(1);
  });

  it('orders bounds as MongoDB orders strings (UTF-8 bytes), not as JavaScript does', () => {
    // U+FF5E sorts after U+1F600 in UTF-16 code units, before it in UTF-8 bytes
    const ids = [
      ...Array.from({ length: 40 }, (_, i) => `\uff5e${i}`),
      ...Array.from({ length: 40 }, (_, i) => `\u{1F600}${i}`),
    ];
    const ranges = idRanges(ids, 40) as Array<{ _id: Bound }>;
    expect(ranges).toHaveLength(2);
    expect(ranges[0]._id.$lt!.startsWith('\u{1F600}')).toBe(true);
    for (const id of ids) expect(ranges.filter((r) => inRange(id, r))).toHaveLength(1);
  });
});
