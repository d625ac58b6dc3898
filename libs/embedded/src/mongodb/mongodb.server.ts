/**
 * The TCP side of the embedded MongoDB-protocol server: frames messages, decodes OP_MSG and
 * the legacy OP_QUERY handshake, routes commands and writes replies. A connection that sends
 * bytes that cannot be framed is closed; every other connection keeps being served.
 */
import * as net from 'node:net';
import { serialize } from 'bson';
import type { Doc } from './collection.index';
import { CommandRouter, ServerState } from './mongodb.commands';
import { commandError, MongoCommandError } from './mongo.errors';
import {
  asBuffer,
  encodeOpMsg,
  encodeOpReply,
  FramingError,
  MessageReader,
  MORE_TO_COME,
  OP_MSG,
  OP_QUERY,
  parseOpMsg,
  parseOpQuery,
  type RawMessage,
} from './wire.protocol';

export interface MongoDbServerOptions {
  /** 0 picks any free port; default 27017. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface EmbeddedServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const HANDSHAKE_COMMANDS = new Set(['hello', 'isMaster', 'ismaster']);

export async function startMongoDbServer(
  options: MongoDbServerOptions = {},
): Promise<EmbeddedServer> {
  const host = options.host ?? '127.0.0.1';
  const state = new ServerState();
  const router = new CommandRouter(state);
  const cursorMonitor = setInterval(() => state.expireCursors(), 60_000);
  cursorMonitor.unref();
  const sockets = new Set<net.Socket>();
  let nextConnectionId = 1;
  let nextRequestId = 1;

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const conn = { id: nextConnectionId++ };
    const reader = new MessageReader();
    socket.on('data', (chunk) => {
      let messages: RawMessage[];
      try {
        messages = reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const msg of messages) {
        try {
          const reply = handle(msg);
          if (reply) socket.write(reply);
        } catch (e) {
          if (e instanceof FramingError || msg.opCode !== OP_MSG) {
            socket.destroy();
            return;
          }
          // A failure outside a command handler must cost this request, not the server.
          const failure = {
            ok: 0,
            errmsg: String((e as Error).message),
            code: 1,
            codeName: 'InternalError',
          };
          socket.write(
            encodeOpMsg(nextRequestId++ & 0x7fffffff, msg.requestId, asBuffer(serialize(failure))),
          );
        }
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));

    function handle(msg: RawMessage): Buffer | undefined {
      const requestId = nextRequestId++ & 0x7fffffff;
      if (msg.opCode === OP_MSG) {
        let body: Doc;
        let flags: number;
        try {
          ({ body, flags } = parseOpMsg(msg.payload));
        } catch (e) {
          if (e instanceof MongoCommandError)
            return encodeOpMsg(requestId, msg.requestId, asBuffer(serialize(e.toReply())));
          throw e;
        }
        const reply = router.run(body, conn);
        if (flags & MORE_TO_COME) return undefined;
        return encodeOpMsg(
          requestId,
          msg.requestId,
          Buffer.isBuffer(reply) ? reply : asBuffer(serialize(reply)),
        );
      }
      if (msg.opCode === OP_QUERY) {
        let reply: Doc;
        try {
          const { collection, query } = parseOpQuery(msg.payload);
          const name = Object.keys(query)[0];
          if (!collection.endsWith('.$cmd') || !HANDSHAKE_COMMANDS.has(name)) {
            throw commandError(
              'UnsupportedOpQueryCommand',
              `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal`,
            );
          }
          const result = router.run({ ...query, $db: collection.slice(0, -'.$cmd'.length) }, conn);
          reply = result as Doc;
        } catch (e) {
          if (!(e instanceof MongoCommandError)) throw e;
          reply = e.toReply();
        }
        return encodeOpReply(requestId, msg.requestId, reply);
      }
      throw new FramingError(`unsupported opCode ${msg.opCode}`);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 27017, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `mongodb://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(cursorMonitor);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
