import { Long } from 'bson';
import { CURSOR_TIMEOUT_MS, ServerState } from './mongodb.commands';
import { MongoCommandError } from './mongo.errors';

describe('cursors', () => {
  it('keep the rest of a result behind an id until it is read', () => {
    const state = new ServerState();
    state.cursorReply('db.c', [{ a: 1 }, { a: 2 }, { a: 3 }], 2, false);
    expect(state.cursors.size).toBe(1);
    const id = Long.fromString(Array.from(state.cursors.keys())[0]);
    state.getMore(id, 'c', 'db', undefined);
    expect(state.cursors.size).toBe(0);
  });

  it('are closed after ten idle minutes, unless asked not to time out', () => {
    const state = new ServerState();
    state.cursorReply('db.c', [{ a: 1 }, { a: 2 }], 1, false);
    state.cursorReply('db.c', [{ a: 1 }, { a: 2 }], 1, false, undefined, true);
    const [idle] = Array.from(state.cursors.keys());
    expect(state.expireCursors(Date.now() + CURSOR_TIMEOUT_MS - 1000)).toBe(0);
    expect(state.expireCursors(Date.now() + CURSOR_TIMEOUT_MS + 1000)).toBe(1);
    expect(state.cursors.size).toBe(1);
    expect(() => state.getMore(Long.fromString(idle), 'c', 'db', undefined)).toThrow(
      MongoCommandError,
    );
  });
});
