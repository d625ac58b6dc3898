/**
 * TLS from a certificate/key pair and basic credentials, through the real client. The
 * certificate is generated for the test with the openssl command line.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AccessDeniedError, EventStoreDBClient, START } from '@eventstore/db-client';
import { startEventStoreDbServer, type EmbeddedServer } from './index';
import { collect, events, tempDir, uniqueStream } from './eventstoredb.fixture';

jest.setTimeout(20_000);

describe('TLS and credentials', () => {
  const temp = tempDir();
  const certFile = path.join(temp.dir, 'node.crt');
  const keyFile = path.join(temp.dir, 'node.key');
  let server: EmbeddedServer;
  const clients: EventStoreDBClient[] = [];

  beforeAll(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    );
    server = await startEventStoreDbServer({
      port: 0,
      tls: { cert: certFile, key: readFileSync(keyFile) },
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server.close();
    temp.remove();
  });

  function connect(userInfo = ''): EventStoreDBClient {
    const client = EventStoreDBClient.connectionString(
      `esdb://${userInfo}127.0.0.1:${server.port}?tls=true&tlsCAFile=${certFile}`,
    );
    clients.push(client);
    return client;
  }

  it('reports a tls=true url', () => {
    expect(server.url).toBe(`esdb://127.0.0.1:${server.port}?tls=true`);
  });

  it('serves the admin user over TLS, including $all', async () => {
    const admin = connect('admin:changeit@');
    const stream = uniqueStream();
    await admin.appendToStream(stream, events(2));
    expect(await collect(admin.readStream(stream))).toHaveLength(2);
    const all = await collect(admin.readAll({ fromPosition: START, maxCount: 5 }));
    expect(all.length).toBe(5);
  });

  it('answers a wrong password with an access denied error (UNAUTHENTICATED)', async () => {
    const intruder = connect('admin:wrong@');
    const error = await intruder.appendToStream(uniqueStream(), events(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ code: 16 });
    await expect(collect(intruder.readStream(uniqueStream()))).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
  });

  it('lets ops and anonymous callers use user streams but keeps $all for admins', async () => {
    const ops = connect('ops:changeit@');
    const anonymous = connect();
    const stream = uniqueStream();
    await ops.appendToStream(stream, events(1));
    await anonymous.appendToStream(stream, events(1));
    expect(await collect(anonymous.readStream(stream))).toHaveLength(2);
    await expect(collect(anonymous.readAll({ maxCount: 1 }))).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
    await expect(collect(ops.readAll({ maxCount: 1 }))).rejects.toMatchObject({
      type: 'access-denied',
    });
  });

  it('uses credentials given per call over unary Append', async () => {
    const anonymous = connect();
    const stream = uniqueStream();
    await anonymous.appendToStream(stream, events(1), {
      credentials: { username: 'admin', password: 'changeit' },
    });
    await expect(
      anonymous.appendToStream(stream, events(1), {
        credentials: { username: 'ops', password: 'nope' },
      }),
    ).rejects.toBeInstanceOf(AccessDeniedError);
    expect(await collect(anonymous.readStream(stream))).toHaveLength(1);
  });
});
