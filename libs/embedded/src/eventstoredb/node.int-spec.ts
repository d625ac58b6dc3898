/**
 * The node-level surface through the real client: what it learns on connect, discovery
 * through gossip, and services the embedded server does not have failing loudly.
 */
import {
  EventStoreDBClient,
  persistentSubscriptionToStreamSettingsFromDefaults,
} from '@eventstore/db-client';
import { collect, events, startHarness, uniqueStream, type Harness } from './eventstoredb.fixture';

jest.setTimeout(20_000);

describe('node surface', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('reports its version and BatchAppend through ServerFeatures', async () => {
    const features = await (
      h.client as unknown as { capabilities: Promise<{ serverVersion: string }> }
    ).capabilities;
    expect(features.serverVersion).toBe('24.10.0');
    const { StreamsService } = await import('@eventstore/db-client/generated/streams_grpc_pb');
    const supports = (h.client as unknown as { supports(m: unknown, f?: string): Promise<boolean> })
      .supports;
    expect(await supports(StreamsService.batchAppend)).toBe(true);
    expect(await supports(StreamsService.read, 'position')).toBe(true);
  });

  it('is found through gossip by an esdb+discover connection string', async () => {
    const discovering = EventStoreDBClient.connectionString(
      `esdb+discover://127.0.0.1:${h.server.port}?tls=false&nodePreference=leader`,
    );
    try {
      const stream = uniqueStream('discovered');
      await discovering.appendToStream(stream, events(1));
      expect(await collect(discovering.readStream(stream))).toHaveLength(1);
    } finally {
      await discovering.dispose();
    }
  });

  it('fails projection and persistent subscription calls with UNIMPLEMENTED and a reason', async () => {
    await expect(h.client.createProjection('p', 'fromAll()')).rejects.toMatchObject({
      code: 12,
      message: expect.stringContaining('not supported by the embedded EventStoreDB server'),
    });
    await expect(
      h.client.createPersistentSubscriptionToStream(
        's',
        'g',
        persistentSubscriptionToStreamSettingsFromDefaults(),
      ),
    ).rejects.toMatchObject({
      code: 12,
    });
  });
});
