import { deserialize, Double, Long, serialize } from 'bson';
import { BatchBuilder, encodeOpMsg, FramingError, MessageReader, OP_MSG } from './wire.protocol';

function message(requestId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + body.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(OP_MSG, 12);
  return Buffer.concat([header, body]);
}

describe('MessageReader', () => {
  it('cuts messages out of chunks split anywhere, even inside the length field', () => {
    const first = message(1, Buffer.alloc(300, 1));
    const second = message(2, Buffer.alloc(5, 2));
    const stream = Buffer.concat([first, second]);
    const reader = new MessageReader();
    const seen = [];
    for (let i = 0; i < stream.length; i += 3) seen.push(...reader.push(stream.subarray(i, i + 3)));
    expect(seen.map((m) => m.requestId)).toEqual([1, 2]);
    expect(seen[0].payload).toEqual(first.subarray(16));
    expect(seen[1].payload).toEqual(second.subarray(16));
  });

  it('returns every whole message in one chunk and keeps the partial rest', () => {
    const reader = new MessageReader();
    const stream = Buffer.concat([message(1, Buffer.alloc(4)), message(2, Buffer.alloc(8))]);
    expect(reader.push(stream.subarray(0, 25)).map((m) => m.requestId)).toEqual([1]);
    expect(reader.push(stream.subarray(25)).map((m) => m.requestId)).toEqual([2]);
  });

  it('refuses a length the protocol cannot carry', () => {
    const bad = Buffer.alloc(16);
    bad.writeInt32LE(8, 0);
    expect(() => new MessageReader().push(bad)).toThrow(FramingError);
  });
});

describe('BatchBuilder', () => {
  const docs = [
    { _id: 1, s: 'é', n: 1.5, d: new Date(3), a: [1, { b: null }] },
    { _id: 'two', big: 'x'.repeat(300 * 1024) },
    { _id: 3 },
  ];

  it('builds the reply bson would serialize, with room for the OP_MSG prefix', () => {
    const batch = new BatchBuilder();
    for (const d of docs) expect(batch.add(d, Infinity)).toBe(true);
    const body = batch.replyBody('firstBatch', Long.fromNumber(42), 'db.coll');
    const expected = serialize({
      cursor: { firstBatch: docs, id: Long.fromNumber(42), ns: 'db.coll' },
      ok: new Double(1),
    });
    expect(body.equals(expected)).toBe(true);
    const msg = encodeOpMsg(7, 9, body);
    expect(msg.buffer).toBe(body.buffer);
    expect(msg.byteOffset + 21).toBe(body.byteOffset);
    expect(msg.readInt32LE(0)).toBe(21 + body.length);
    expect(msg.readInt32LE(12)).toBe(OP_MSG);
    expect(msg.subarray(21)).toEqual(body);
  });

  it('stops a batch before the byte limit, but always takes a first document', () => {
    const batch = new BatchBuilder();
    expect(batch.add(docs[1], 10)).toBe(true);
    expect(batch.add(docs[0], 10)).toBe(false);
    expect(batch.count).toBe(1);
    const body = batch.replyBody('nextBatch', Long.ZERO, 'db.c');
    expect(deserialize(body)).toEqual({
      cursor: { nextBatch: [docs[1]], id: 0, ns: 'db.c' },
      ok: 1,
    });
  });

  it('frames other bodies with a copy', () => {
    const body = Buffer.from(serialize({ ok: 1 }));
    const msg = encodeOpMsg(1, 2, body);
    expect(msg.byteOffset + 21 === body.byteOffset && msg.buffer === body.buffer).toBe(false);
    expect(msg.subarray(21)).toEqual(body);
  });
});
