import { fieldChanges } from './read-model.store';

describe('fieldChanges (the update a guarded write sends instead of a whole document)', () => {
  const before = {
    _id: 'q1',
    pos: 10,
    title: 'How?',
    body: 'a long body',
    votes: { up: 1, down: 0, net: 1 },
    tags: ['a', 'b'],
    closed: null,
  };

  it('sets only the fields that changed, and pos', () => {
    const after = { ...before, pos: 12, votes: { up: 2, down: 0, net: 2 } };
    expect(fieldChanges(before, after)).toEqual({ $set: { pos: 12, votes: { up: 2, down: 0, net: 2 } } });
  });

  it('compares nested values by content, not identity', () => {
    const after = { ...before, pos: 12, votes: { ...before.votes }, tags: [...before.tags] };
    expect(fieldChanges(before, after)).toEqual({ $set: { pos: 12 } });
  });

  it('sets a changed array and a field that was missing, undefined stored as null', () => {
    const after = { ...before, pos: 12, tags: ['a'], edited: undefined, closed: undefined };
    expect(fieldChanges(before, after)).toEqual({ $set: { pos: 12, tags: ['a'], edited: null } });
  });

  it('unsets a field the new document no longer has', () => {
    const { body: _body, ...after } = { ...before, pos: 12 };
    expect(fieldChanges(before, after)).toEqual({ $set: { pos: 12 }, $unset: { body: '' } });
  });
});
