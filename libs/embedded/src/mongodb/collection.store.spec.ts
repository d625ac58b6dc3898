import { Collection } from './collection.store';
import type { Doc } from './collection.index';
import { seededRandom } from '../../../common/src/testing/seeded-random';

/**
 * The _id index keeps no sorted entries until a query scans _id in order; the first one
 * builds them and writes keep them up from then on. Whenever that happens, a range or a sort
 * by _id gives what filtering and sorting every document gives.
 */
describe('Collection: _id ranges and order', () => {
  const ids = (docs: Doc[]) => docs.map((d) => d._id);

  it('answers ranges and sorts by _id before and after writes, whenever the first one comes', () => {
    for (const firstScanAfter of [0, 5, 50, 200]) {
      const rnd = seededRandom(firstScanAfter + 1);
      const coll = new Collection('db', 'c');
      const expected = new Map<string, Doc>();
      for (let step = 0; step < 400; step += 1) {
        const id = `k${Math.floor(rnd() * 120)
          .toString()
          .padStart(3, '0')}`;
        const existing = coll.getById(id);
        const roll = rnd();
        if (!existing) {
          const doc = { _id: id, v: step };
          coll.insert(doc);
          expected.set(id, doc);
        } else if (roll < 0.5) {
          coll.remove(existing);
          expected.delete(id);
        } else {
          const doc = { _id: id, v: step };
          coll.replace(existing, doc);
          expected.set(id, doc);
        }
        if (step < firstScanAfter) continue;
        const from = `k${Math.floor(rnd() * 120)
          .toString()
          .padStart(3, '0')}`;
        const all = [...expected.values()].sort((a, b) =>
          (a._id as string) < (b._id as string) ? -1 : 1,
        );
        expect(ids(coll.find({ _id: { $gte: from } }, { sort: { _id: 1 } }).docs)).toEqual(
          ids(all.filter((d) => (d._id as string) >= from)),
        );
        expect(ids(coll.find({}, { sort: { _id: -1 }, limit: 5 }).docs)).toEqual(
          ids(all.reverse().slice(0, 5)),
        );
        expect(coll.find({ _id: { $lt: from } }).docs.map((d) => d.v)).toEqual(
          all
            .reverse()
            .filter((d) => (d._id as string) < from)
            .map((d) => d.v),
        );
      }
    }
  });
});
