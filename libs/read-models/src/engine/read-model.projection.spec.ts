import { MemoryDocSet, ReadModelProjection, toProjected } from './read-model.projection';
import { WRITE_ORDER, WRITE_STEPS } from './read-model.documents';
import { seededRandom } from '../../../common/src/testing/seeded-random';
import { generateHistory } from '../testing/history.generator';
import { asProjected, invariantViolations } from '../testing/history.fixture';
import { given, snapshot } from '../testing/events.fixture';

describe('events no read model uses', () => {
  it('are left out before they reach a projection', () => {
    const stored = (type: string) => ({
      id: 'e', type, stream: 's-1', revision: 0n, position: { commit: 1n, prepare: 1n }, data: {},
      metadata: { correlationId: 'c', causationId: 'c', actor: 'a', at: '', schemaVersion: 1 }, created: new Date(0),
    });
    for (const type of ['UsernameReserved', 'UserEmailReserved', 'SubjectKeyCreated', '$metadata', 'Unknown']) {
      expect(toProjected(stored(type))).toBeNull();
    }
    expect(toProjected(stored('VoteCast'))).toMatchObject({ type: 'VoteCast', pos: 1 });
  });
});

describe('write order', () => {
  it('writes in steps that keep WRITE_ORDER', () => {
    expect(WRITE_STEPS.flat()).toEqual(WRITE_ORDER);
  });
});

describe('all read models over a long random history', () => {
  const history = asProjected(generateHistory(42, 4000));

  it('keeps every count consistent with the documents, and every ledger summing to the points', () => {
    const docs = given(history);
    expect(docs.collections.questions.size).toBeGreaterThan(100);
    expect(docs.collections.ledger.size).toBeGreaterThan(1000);
    expect(invariantViolations(docs)).toEqual([]);
  });

  it('ends in the same documents when random stretches are delivered again, as after crashes', () => {
    const clean = snapshot(given(history));
    const rnd = seededRandom(7);
    const docs = new MemoryDocSet();
    const projection = new ReadModelProjection();
    let i = 0;
    while (i < history.length) {
      const end = Math.min(history.length, i + 1 + Math.floor(rnd() * 200));
      for (let k = i; k < end; k += 1) projection.apply(docs, history[k]);
      // a crash loses nothing that was written, and the subscription restarts a bit earlier
      i = rnd() < 0.3 ? Math.max(0, end - Math.floor(rnd() * 150)) : end;
    }
    expect(snapshot(docs)).toEqual(clean);
  });

  it('builds the same documents with changed point rules only in points and ledger', () => {
    const docs = given(history, new MemoryDocSet(), new ReadModelProjection({ ...new ReadModelProjection().rules, answerPosted: 10 }));
    expect(invariantViolations(docs)).toEqual([]);
    const base = given(history);
    const withAnswers = [...docs.collections.users.values()].find((u) => u.counts.answers > 0)!;
    expect(withAnswers.points - base.get('users', withAnswers._id)!.points).toBe(withAnswers.counts.answers * 60);
  });
});
