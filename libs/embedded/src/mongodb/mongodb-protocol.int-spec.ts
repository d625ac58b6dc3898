/**
 * The wire protocol seen from a raw socket and from the driver: framing variants the driver
 * may send, the legacy handshake, and bad input that must not take the server down.
 */
import * as net from 'node:net';
import { deserialize, serialize, type Document } from 'bson';
import { useMongoHarness } from './testing/mongo.harness';

const mongo = useMongoHarness();
const sockets: net.Socket[] = [];

afterAll(() => {
  for (const s of sockets) s.destroy();
});

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(mongo.server.port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
    sockets.push(s);
  });
}

function header(length: number, requestId: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(0, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

function opMsg(sections: Buffer[], flags = 0, requestId = 1, checksum = false): Buffer {
  const f = Buffer.alloc(4);
  f.writeUInt32LE(flags | (checksum ? 1 : 0));
  const body = Buffer.concat([f, ...sections, ...(checksum ? [Buffer.alloc(4)] : [])]);
  return Buffer.concat([header(16 + body.length, requestId, 2013), body]);
}

const kind0 = (doc: Document) => Buffer.concat([Buffer.from([0]), Buffer.from(serialize(doc))]);

function kind1(name: string, docs: Document[]): Buffer {
  const payload = Buffer.concat([
    Buffer.from(`${name}\0`),
    ...docs.map((d) => Buffer.from(serialize(d))),
  ]);
  const size = Buffer.alloc(4);
  size.writeInt32LE(4 + payload.length);
  return Buffer.concat([Buffer.from([1]), size, payload]);
}

/** Reads one reply: the OP_MSG body or the first OP_REPLY document. */
function readReply(s: net.Socket): Promise<{ opCode: number; doc: Document }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 4 || buf.length < buf.readInt32LE(0)) return;
      s.off('data', onData);
      const opCode = buf.readInt32LE(12);
      const at = opCode === 2013 ? 21 : 36;
      resolve({ opCode, doc: deserialize(buf.subarray(at, buf.readInt32LE(0))) });
    };
    s.on('data', onData);
    s.once('close', () => reject(new Error('connection closed')));
  });
}

function closed(s: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (s.destroyed) resolve();
    else s.once('close', () => resolve());
  });
}

async function stillServing(): Promise<void> {
  expect(await mongo.client.db('admin').command({ ping: 1 })).toEqual({ ok: 1 });
}

it('answers the legacy OP_QUERY isMaster handshake with OP_REPLY', async () => {
  const s = await connect();
  const query = Buffer.concat([
    Buffer.alloc(4),
    Buffer.from('admin.$cmd\0'),
    Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
    Buffer.from(
      serialize({ isMaster: 1, helloOk: true, client: { driver: { name: 'raw', version: '0' } } }),
    ),
  ]);
  s.write(Buffer.concat([header(16 + query.length, 7, 2004), query]));
  const reply = await readReply(s);
  expect(reply.opCode).toBe(1);
  expect(reply.doc).toMatchObject({ ok: 1, ismaster: true, helloOk: true, maxWireVersion: 21 });
  expect(reply.doc.compression).toBeUndefined();
});

it('refuses other commands over OP_QUERY as mongod 7 does', async () => {
  const s = await connect();
  const query = Buffer.concat([
    Buffer.alloc(4),
    Buffer.from('test.$cmd\0'),
    Buffer.from([0, 0, 0, 0, 1, 0, 0, 0]),
    Buffer.from(serialize({ find: 'x' })),
  ]);
  s.write(Buffer.concat([header(16 + query.length, 8, 2004), query]));
  expect((await readReply(s)).doc).toMatchObject({ ok: 0, code: 352 });
});

it('merges kind-1 document sequences into the command and skips a checksum', async () => {
  const s = await connect();
  s.write(
    opMsg(
      [
        kind0({ insert: 'seq', $db: 'proto', ordered: true }),
        kind1('documents', [{ _id: 1 }, { _id: 2 }, { _id: 3 }]),
      ],
      0,
      2,
      true,
    ),
  );
  expect((await readReply(s)).doc).toEqual({ n: 3, ok: 1 });
  expect(await mongo.client.db('proto').collection('seq').countDocuments()).toBe(3);
});

it('sends no reply to a moreToCome write and still applies it', async () => {
  const s = await connect();
  s.write(opMsg([kind0({ insert: 'fire', $db: 'proto', documents: [{ _id: 'a' }] })], 2, 3));
  s.write(opMsg([kind0({ find: 'fire', $db: 'proto' })], 0, 4));
  const reply = await readReply(s);
  expect(reply.doc.cursor.firstBatch).toEqual([{ _id: 'a' }]);
});

it('accepts unacknowledged writes from the driver', async () => {
  const coll = mongo.client.db('proto').collection('w0');
  await coll.insertOne({ v: 1 }, { writeConcern: { w: 0 } });
  // Nothing acknowledges the write, so the count may run before the insert arrives.
  let count = 0;
  for (let i = 0; i < 100 && count === 0; i++) {
    count = await coll.countDocuments();
    if (count === 0) await new Promise((r) => setTimeout(r, 10));
  }
  expect(count).toBe(1);
});

it('answers an unknown command with CommandNotFound', async () => {
  const s = await connect();
  s.write(opMsg([kind0({ frobnicate: 1, $db: 'admin' })]));
  expect((await readReply(s)).doc).toEqual({
    ok: 0,
    errmsg: "no such command: 'frobnicate'",
    code: 59,
    codeName: 'CommandNotFound',
  });
});

it('answers bad BSON with InvalidBSON and keeps the connection', async () => {
  const s = await connect();
  const bad = Buffer.from(serialize({ ping: 1, $db: 'admin' }));
  bad.writeInt32LE(9999, 0);
  s.write(opMsg([Buffer.concat([Buffer.from([0]), bad])]));
  expect((await readReply(s)).doc).toMatchObject({ ok: 0, code: 22, codeName: 'InvalidBSON' });
  s.write(opMsg([kind0({ ping: 1, $db: 'admin' })]));
  expect((await readReply(s)).doc).toEqual({ ok: 1 });
});

it('closes a connection that sends garbage and keeps serving the others', async () => {
  const s = await connect();
  s.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
  await closed(s);
  await stillServing();
});

it('closes a connection that announces an oversized message and keeps serving the others', async () => {
  const s = await connect();
  s.write(header(64 * 1024 * 1024, 1, 2013));
  await closed(s);
  await stillServing();
});

it('closes a connection that sends unknown required OP_MSG flags', async () => {
  const s = await connect();
  s.write(opMsg([kind0({ ping: 1, $db: 'admin' })], 1 << 5));
  await closed(s);
  await stillServing();
});

it('survives a client that disconnects in the middle of a message', async () => {
  const s = await connect();
  const msg = opMsg([kind0({ ping: 1, $db: 'admin' })]);
  s.write(msg.subarray(0, 10));
  s.destroy();
  await stillServing();
});

it('refuses a message without $db', async () => {
  const s = await connect();
  s.write(opMsg([kind0({ ping: 1 })]));
  expect((await readReply(s)).doc).toMatchObject({ ok: 0 });
});
