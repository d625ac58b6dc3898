import { comparePositions, parsePosition, positionToString } from './event-store.port';

describe('positions', () => {
  it('orders by commit, then prepare', () => {
    expect(comparePositions({ commit: 1n, prepare: 9n }, { commit: 2n, prepare: 0n })).toBe(-1);
    expect(comparePositions({ commit: 2n, prepare: 1n }, { commit: 2n, prepare: 0n })).toBe(1);
    expect(comparePositions({ commit: 2n, prepare: 2n }, { commit: 2n, prepare: 2n })).toBe(0);
  });

  it('round-trips the commit a client sends back as the lowest position with that commit', () => {
    const appended = { commit: 18446744073709551615n, prepare: 18446744073709551615n };
    const parsed = parsePosition(positionToString(appended));
    expect(parsed).toEqual({ commit: appended.commit, prepare: 0n });
    expect(comparePositions(parsed!, appended)).toBeLessThanOrEqual(0);
  });

  it('rejects what is not an unsigned 64-bit decimal', () => {
    for (const text of ['', '-1', '1.5', '0x10', ' 12', '18446744073709551616', 'abc']) {
      expect(parsePosition(text)).toBeNull();
    }
  });
});
