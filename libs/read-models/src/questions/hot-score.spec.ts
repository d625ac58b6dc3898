import { hotScore } from './hot-score';

describe('hot score (Q2A hotness, weights 100)', () => {
  it('counts the question time twice when there is no answer', () => {
    // 100 s after 2010-01-01: 100 x 100 + 100 x 100
    expect(hotScore({ askedAt: '2010-01-01T00:01:40.000Z', lastAnswerAt: null, answerCount: 0, netVotes: 0 })).toBe(20_000);
  });

  it('adds the last answer time, and 160,000 s per answer and per net vote', () => {
    // 100 x 100 + 200 x 100 + 1 x 100 x 160000 + 2 x 100 x 160000
    expect(hotScore({ askedAt: '2010-01-01T00:01:40.000Z', lastAnswerAt: '2010-01-01T00:03:20.000Z', answerCount: 1, netVotes: 2 })).toBe(48_030_000);
  });

  it('ranks a newer question above an older one with one more vote less than 160,000 s apart', () => {
    const older = hotScore({ askedAt: '2024-01-01T00:00:00.000Z', lastAnswerAt: null, answerCount: 0, netVotes: 1 });
    const newer = hotScore({ askedAt: '2024-01-02T00:00:00.000Z', lastAnswerAt: null, answerCount: 0, netVotes: 0 });
    expect(newer).toBeGreaterThan(older);
  });
});
