import { Empty, StreamIdentifier } from '@eventstore/db-client/generated/shared_pb';
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { decodeReadReq, type ReadRequestView } from './read-req.codec';

/** Everything the service asks of a request, as plain data. */
function view(request: ReadRequestView) {
  const o = request.getOptions();
  if (!o) return null;
  const stream = o.getStream();
  const all = o.getAll();
  const identifier = stream?.getStreamIdentifier();
  return {
    hasStream: o.hasStream(),
    stream: stream && {
      name: identifier && Buffer.from(identifier.getStreamName_asU8()).toString('latin1'),
      hasIdentifier: identifier !== undefined,
      hasRevision: stream.hasRevision(),
      revision: stream.getRevision(),
      hasStart: stream.hasStart(),
      hasEnd: stream.hasEnd(),
    },
    hasAll: o.hasAll(),
    all: all && {
      hasPosition: all.hasPosition(),
      commit: all.getPosition()?.getCommitPosition(),
      prepare: all.getPosition()?.getPreparePosition(),
      hasStart: all.hasStart(),
      hasEnd: all.hasEnd(),
    },
    direction: o.getReadDirection(),
    resolveLinks: o.getResolveLinks(),
    hasCount: o.hasCount(),
    count: o.getCount(),
    hasSubscription: o.hasSubscription(),
    hasFilter: o.hasFilter(),
    uuid: o.getUuidOption() && { structured: o.getUuidOption()!.hasStructured() },
  };
}

function bytesOf(build: (options: ReadReq.Options) => void, withOptions = true): Buffer {
  const request = new ReadReq();
  if (withOptions) {
    const options = new ReadReq.Options();
    build(options);
    request.setOptions(options);
  }
  return Buffer.from(request.serializeBinary());
}

function streamOptions(name: string, set: (s: ReadReq.Options.StreamOptions) => void) {
  const s = new ReadReq.Options.StreamOptions();
  const identifier = new StreamIdentifier();
  identifier.setStreamName(Buffer.from(name));
  s.setStreamIdentifier(identifier);
  set(s);
  return s;
}

function uuid(structured: boolean) {
  const u = new ReadReq.Options.UUIDOption();
  if (structured) u.setStructured(new Empty());
  else u.setString(new Empty());
  return u;
}

const cases: Array<[string, Buffer]> = [
  [
    'client readStream forwards from start',
    bytesOf((o) => {
      o.setStream(streamOptions('question-1', (s) => s.setStart(new Empty())));
      o.setReadDirection(ReadReq.Options.ReadDirection.FORWARDS);
      o.setResolveLinks(false);
      o.setCount('9007199254740991');
      o.setNoFilter(new Empty());
      o.setUuidOption(uuid(false));
    }),
  ],
  [
    'backwards from a revision, resolving links, structured ids',
    bytesOf((o) => {
      o.setStream(streamOptions('ünïcode-☃', (s) => s.setRevision('18446744073709551615')));
      o.setReadDirection(ReadReq.Options.ReadDirection.BACKWARDS);
      o.setResolveLinks(true);
      o.setCount('10');
      o.setUuidOption(uuid(true));
    }),
  ],
  [
    'stream subscription from the end',
    bytesOf((o) => {
      o.setStream(streamOptions('s', (s) => s.setEnd(new Empty())));
      o.setSubscription(new ReadReq.Options.SubscriptionOptions());
      o.setUuidOption(uuid(false));
    }),
  ],
  [
    '$all from a position',
    bytesOf((o) => {
      const all = new ReadReq.Options.AllOptions();
      const p = new ReadReq.Options.Position();
      p.setCommitPosition('123456789012');
      p.setPreparePosition('123456789000');
      all.setPosition(p);
      o.setAll(all);
      o.setCount('0');
      o.setNoFilter(new Empty());
      o.setUuidOption(uuid(false));
    }),
  ],
  [
    '$all from start and end, and an empty stream name',
    bytesOf((o) => {
      const all = new ReadReq.Options.AllOptions();
      all.setStart(new Empty());
      o.setAll(all);
      o.setSubscription(new ReadReq.Options.SubscriptionOptions());
    }),
  ],
  ['no options', bytesOf(() => undefined, false)],
  ['empty options', bytesOf(() => undefined)],
  [
    'a stream without identifier or revision option',
    bytesOf((o) => o.setStream(new ReadReq.Options.StreamOptions())),
  ],
];

describe('decodeReadReq', () => {
  it.each(cases)('reads %s as the generated class does, by hand', (_name, bytes) => {
    const decoded = decodeReadReq(bytes);
    expect(decoded).not.toBeInstanceOf(ReadReq);
    expect(view(decoded)).toEqual(view(ReadReq.deserializeBinary(new Uint8Array(bytes))));
  });

  it('keeps the last member of a oneof and the last copy of a field, as the generated class does', () => {
    const stream = Buffer.from(
      bytesOf((o) => o.setStream(streamOptions('first', (s) => s.setRevision('5')))),
    );
    const all = bytesOf((o) => o.setAll(new ReadReq.Options.AllOptions()));
    const second = bytesOf((o) => {
      o.setStream(streamOptions('second', (s) => s.setStart(new Empty())));
      o.setCount('3');
    });
    const subscribe = bytesOf((o) => o.setSubscription(new ReadReq.Options.SubscriptionOptions()));
    // Concatenated messages merge field by field; a repeated message field is replaced.
    for (const bytes of [
      Buffer.concat([stream, all]),
      Buffer.concat([all, stream]),
      Buffer.concat([stream, second]),
      Buffer.concat([second, subscribe]),
    ]) {
      const decoded = decodeReadReq(bytes);
      expect(view(decoded)).toEqual(view(ReadReq.deserializeBinary(new Uint8Array(bytes))));
    }
  });

  it('leaves filters, control options and unknown fields to the generated class', () => {
    const filtered = bytesOf((o) => {
      const all = new ReadReq.Options.AllOptions();
      all.setStart(new Empty());
      o.setAll(all);
      const filter = new ReadReq.Options.FilterOptions();
      const expression = new ReadReq.Options.FilterOptions.Expression();
      expression.setPrefixList(['user-']);
      filter.setStreamIdentifier(expression);
      filter.setCount(new Empty());
      o.setFilter(filter);
      o.setSubscription(new ReadReq.Options.SubscriptionOptions());
    });
    expect(decodeReadReq(filtered)).toBeInstanceOf(ReadReq);
    expect(decodeReadReq(filtered).getOptions()!.hasFilter()).toBe(true);
    const unknown = Buffer.concat([cases[0][1], Buffer.from([0x78, 0x01])]); // field 15, varint
    expect(decodeReadReq(unknown)).toBeInstanceOf(ReadReq);
    expect(view(decodeReadReq(unknown))).toEqual(view(decodeReadReq(cases[0][1])));
  });

  it('lets the generated class judge truncated bytes', () => {
    const bytes = cases[0][1].subarray(0, cases[0][1].length - 3);
    expect(() => decodeReadReq(bytes)).toThrow();
  });
});
