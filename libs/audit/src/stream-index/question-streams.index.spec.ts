import { BSON } from 'mongodb';
import type { StoredEvent } from '@qa/event-store';
import { eventEntry, indexedEvent, rawStringField } from './question-streams.index';

const vote: StoredEvent = {
  id: '6f1d2c9e-0000-4000-8000-000000000001',
  type: 'VoteCast',
  stream: 'vote-a1_u2',
  revision: 3n,
  position: { commit: 123456789n, prepare: 123456700n },
  data: {
    postId: 'a1',
    questionId: 'q1',
    voterId: 'u2',
    value: 1,
    note: 'ünïcödé ✓ 𝄞 "quoted" \\ end',
    at: '2026-03-03T12:00:00.000Z',
  },
  metadata: {
    correlationId: 'c',
    causationId: 'c',
    actor: 'u2',
    at: '2026-03-03T12:00:01.000Z',
    schemaVersion: 1,
  },
  created: new Date(0),
};

describe('question event index entries', () => {
  it('hand the event back as stored, with its time as metadata', () => {
    const entry = eventEntry(vote)!;
    expect(entry).toMatchObject({
      _id: vote.id,
      questionId: 'q1',
      type: 'VoteCast',
      stream: 'vote-a1_u2',
      revision: 3,
      pos: 123456789,
      at: '2026-03-03T12:00:00.000Z',
    });
    expect(indexedEvent(entry.e)).toEqual({
      ...vote,
      metadata: { correlationId: '', causationId: '', actor: '', at: entry.at, schemaVersion: 1 },
    });
  });

  it('skip events of no question page', () => {
    expect(eventEntry({ ...vote, stream: 'user-u2' })).toBeNull();
    expect(eventEntry({ ...vote, data: { postId: 'a1' } })).toBeNull();
  });

  it('read a string field out of raw BSON, wherever it is and whatever it holds', () => {
    const entry = eventEntry(vote)!;
    const alone = BSON.serialize({ e: entry.e });
    expect(rawStringField(alone, 'e')).toBe(entry.e);
    const after = BSON.serialize({ _id: entry._id, type: entry.type, ee: 'x', e: entry.e });
    expect(rawStringField(after, 'e')).toBe(entry.e);
    const inLargerBuffer = Buffer.concat([Buffer.from('junk'), alone, Buffer.from('junk')]);
    expect(rawStringField(inLargerBuffer.subarray(4, 4 + alone.length), 'e')).toBe(entry.e);
    expect(rawStringField(BSON.serialize({ e: '' }), 'e')).toBe('');
  });

  it('refuse a document without that string field', () => {
    expect(() => rawStringField(BSON.serialize({ f: 'x' }), 'e')).toThrow(/no string field e/);
    expect(() => rawStringField(BSON.serialize({ n: 1, e: 'x' }), 'e')).toThrow(/no string field e/);
  });
});
