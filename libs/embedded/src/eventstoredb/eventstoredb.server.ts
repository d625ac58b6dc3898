/**
 * Starts the embedded EventStoreDB-protocol server: a grpc-js server carrying the
 * service definitions shipped with `@eventstore/db-client`, over the SQLite event log.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Server,
  ServerCredentials,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import {
  SupportedMethod,
  SupportedMethods,
} from '@eventstore/db-client/generated/serverfeatures_pb';
import type { Empty } from '@eventstore/db-client/generated/shared_pb';
import { EventLog } from './event-log.store';
import { streamsService } from './streams.service';
import { decodeBatchAppendReq } from './batch-append.codec';
import { decodeReadReq } from './read-req.codec';
import { gossipService, unsupportedServices } from './node.services';
import { authenticate, createAccess } from './access.policy';
import { OpenCalls } from './open-calls.registry';

export interface EventStoreDbServerOptions {
  /** 0 = any free port; default 2113. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** ':memory:' (default) or a SQLite file path. */
  data?: string;
  /** PEM contents or file paths. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface EmbeddedServer {
  /** esdb://127.0.0.1:<port>?tls=<true|false> */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface EventStoreDbServer extends EmbeddedServer {
  /** Streaming calls (reads, subscriptions, BatchAppend) whose work is still running. */
  openCalls(): number;
}

/** How long close() lets clients take their last replies before cutting connections. */
const SHUTDOWN_GRACE_MS = 1_000;

/** The server version reported by ServerFeatures (the behaviour implemented is 23.10-24.10's). */
const SERVER_VERSION = '24.10.0';

/** What a real node writes to an empty database when it starts: its two default users. */
const STARTUP_EVENTS = [
  {
    stream: '$$$user-admin',
    type: '$metadata',
    data: { $acl: { $w: '$admins', $d: '$admins', $mw: '$admins' } },
  },
  {
    stream: '$user-admin',
    type: '$user',
    data: {
      loginName: 'admin',
      fullName: 'Event Store Administrator',
      groups: ['$admins'],
      disabled: false,
    },
  },
  { stream: '$users', type: '$User', data: { loginName: 'admin' } },
  {
    stream: '$$$user-ops',
    type: '$metadata',
    data: { $acl: { $w: '$admins', $d: '$admins', $mw: '$admins' } },
  },
  {
    stream: '$user-ops',
    type: '$user',
    data: {
      loginName: 'ops',
      fullName: 'Event Store Operations',
      groups: ['$ops'],
      disabled: false,
    },
  },
  { stream: '$users', type: '$User', data: { loginName: 'ops' } },
];

function pem(value: string | Buffer): Buffer {
  if (Buffer.isBuffer(value)) return value;
  return value.includes('-----BEGIN') ? Buffer.from(value) : readFileSync(value);
}

/**
 * The client's service definition, except on the hot paths: Read and BatchAppend replies
 * may be pre-encoded buffers, and Read and BatchAppend requests are decoded by hand.
 */
function streamsDefinition(): ServiceDefinition {
  const definition = StreamsService as unknown as ServiceDefinition;
  const passBuffers = (serialize: (value: unknown) => Buffer) => (value: unknown) =>
    Buffer.isBuffer(value) ? value : serialize(value);
  return {
    ...definition,
    read: {
      ...definition.read,
      requestDeserialize: decodeReadReq,
      responseSerialize: passBuffers(
        definition.read.responseSerialize as (value: unknown) => Buffer,
      ),
    },
    batchAppend: {
      ...definition.batchAppend,
      requestDeserialize: decodeBatchAppendReq,
      responseSerialize: passBuffers(
        definition.batchAppend.responseSerialize as (value: unknown) => Buffer,
      ),
    },
  };
}

function supportedMethods(): SupportedMethods {
  const result = new SupportedMethods();
  result.setEventStoreServerVersion(SERVER_VERSION);
  const add = (service: string, method: string, features: string[] = []) => {
    const m = new SupportedMethod();
    m.setServiceName(service);
    m.setMethodName(method);
    m.setFeaturesList(features);
    result.addMethods(m);
  };
  const streams = 'event_store.client.streams.streams';
  add(streams, 'read', ['position', 'events']);
  add(streams, 'append');
  add(streams, 'delete');
  add(streams, 'tombstone');
  add(streams, 'batchappend', ['deadline_duration']);
  add('event_store.client.server_features.serverfeatures', 'getsupportedmethods');
  return result;
}

export async function startEventStoreDbServer(
  options: EventStoreDbServerOptions = {},
): Promise<EventStoreDbServer> {
  const host = options.host ?? '127.0.0.1';
  const data = options.data ?? ':memory:';
  if (data !== ':memory:') mkdirSync(path.dirname(path.resolve(data)), { recursive: true });
  const log = new EventLog(data);
  if (log.isEmpty) log.writeStartupEvents(STARTUP_EVENTS);

  const secure = options.tls !== undefined;
  const server = new Server({
    // The client reads up to 17 MiB; requests above the 1 MiB append limit are refused by
    // the handlers with the real server's error, not by the transport.
    'grpc.max_receive_message_length': 17 * 1024 * 1024,
    'grpc.max_send_message_length': 17 * 1024 * 1024,
  });
  const calls = new OpenCalls();
  server.addService(streamsDefinition(), streamsService(log, createAccess(secure), calls));
  const features = supportedMethods();
  server.addService(ServerFeaturesService as unknown as ServiceDefinition, {
    getSupportedMethods: (
      call: ServerUnaryCall<Empty, SupportedMethods>,
      callback: sendUnaryData<SupportedMethods>,
    ) => {
      const denied = authenticate(secure, call.metadata);
      if (denied) callback(denied);
      else callback(null, features);
    },
  });

  let boundPort = 0;
  for (const { definition, implementation } of [
    gossipService(host, () => boundPort),
    ...unsupportedServices(),
  ]) {
    server.addService(definition, implementation);
  }

  const credentials = options.tls
    ? ServerCredentials.createSsl(
        null,
        [{ cert_chain: pem(options.tls.cert), private_key: pem(options.tls.key) }],
        false,
      )
    : ServerCredentials.createInsecure();

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${host}:${options.port ?? 2113}`, credentials, (error, bound) =>
        error ? reject(error) : resolve(bound),
      );
    });
  } catch (error) {
    log.close();
    throw error;
  }

  boundPort = port;
  let closing: Promise<void> | null = null;
  return {
    // A server listening on every interface is reached locally through the loopback address.
    url: `esdb://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}?tls=${secure}`,
    port,
    openCalls: () => calls.size,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // Refuse new calls, end the streaming ones still open (subscriptions never end on
        // their own), and let each client take its last replies; a client that keeps its
        // connection past the grace period is cut off. The file is released last.
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, SHUTDOWN_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
        calls.endAll();
      }).then(() => log.close());
      return closing;
    },
  };
}
