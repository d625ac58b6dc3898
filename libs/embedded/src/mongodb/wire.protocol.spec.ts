import { FramingError, MessageReader, OP_MSG } from './wire.protocol';

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
