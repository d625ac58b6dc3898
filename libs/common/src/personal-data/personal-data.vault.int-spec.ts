/**
 * The vault against the embedded EventStoreDB-protocol server through the real client and
 * the EventStoreDB adapter: keys live in `subjectkey-<subject>`, erasure tombstones them.
 */
import { randomUUID } from 'node:crypto';
import { EventStoreDbAdapter } from '@qa/event-store';
import { startEventStoreDbServer } from '../../../embedded/src/eventstoredb';
import type { EmbeddedServer } from '../../../embedded/src/eventstoredb';
import { PersonalDataVault, SubjectErasedError } from './personal-data.vault';

describe('PersonalDataVault (embedded EventStoreDB)', () => {
  let server: EmbeddedServer;
  const stores: EventStoreDbAdapter[] = [];
  const vault = (
    options: Omit<ConstructorParameters<typeof PersonalDataVault>[1], 'hashKey'> = {},
  ) => {
    const store = new EventStoreDbAdapter(server.url);
    stores.push(store);
    return { store, vault: new PersonalDataVault(store, { hashKey: 'test-hash-key', ...options }) };
  };
  const subject = () => `u${randomUUID().replace(/-/g, '')}`;

  beforeAll(async () => {
    server = await startEventStoreDbServer({ port: 0, data: ':memory:' });
  });

  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await server?.close();
  });

  it('stores one key per subject in its own stream and opens with it from another process', async () => {
    const { store, vault: writer } = vault();
    const s = subject();
    const sealed = await writer.seal(s, 'jane@example.com');
    const again = await writer.seal(s, 'other@example.com');
    expect(sealed.subject).toBe(s);
    expect(sealed.data).not.toContain('jane');

    const keyEvents = await store.readStream(`subjectkey-${s}`);
    expect(keyEvents.map((e) => e.type)).toEqual(['SubjectKeyCreated']);
    expect(Buffer.from((keyEvents[0].data as { key: string }).key, 'base64')).toHaveLength(32);

    const { vault: reader } = vault();
    expect(await reader.open(sealed)).toBe('jane@example.com');
    expect(await reader.open(again)).toBe('other@example.com');
  });

  it('ends with one key when two processes seal for a new subject at once', async () => {
    const s = subject();
    const a = vault().vault;
    const b = vault().vault;
    const [x, y] = await Promise.all([a.seal(s, 'x@example.com'), b.seal(s, 'y@example.com')]);
    const { store, vault: reader } = vault();
    expect(await reader.open(x)).toBe('x@example.com');
    expect(await reader.open(y)).toBe('y@example.com');
    expect(await store.readStream(`subjectkey-${s}`)).toHaveLength(1);
  });

  it('opens nothing once the subject is erased, and refuses to seal for them again', async () => {
    const s = subject();
    const other = subject();
    const { vault: v } = vault();
    const sealed = await v.seal(s, 'jane@example.com');
    const kept = await v.seal(other, 'joe@example.com');

    await v.erase(s);
    expect(await v.open(sealed)).toBeNull();
    expect(await vault().vault.open(sealed)).toBeNull();
    expect(await v.open(kept)).toBe('joe@example.com');
    await expect(v.seal(s, 'jane@example.com')).rejects.toBeInstanceOf(SubjectErasedError);
    await expect(v.erase(s)).resolves.toBeUndefined();
  });

  it('stops opening in another process once its cached key expires', async () => {
    const s = subject();
    const { vault: api } = vault();
    const { vault: worker } = vault({ cacheTtlMs: 100 });
    const sealed = await api.seal(s, 'jane@example.com');
    expect(await worker.open(sealed)).toBe('jane@example.com');
    await api.erase(s);
    await new Promise((r) => setTimeout(r, 150));
    expect(await worker.open(sealed)).toBeNull();
  });

  it('opens nothing for a subject that never had a key', async () => {
    const { vault: v } = vault();
    expect(
      await v.open({ subject: subject(), data: Buffer.alloc(40).toString('base64') }),
    ).toBeNull();
  });

  it('derives anonymous subjects and hashes from the hash key', () => {
    const { vault: v } = vault();
    expect(v.anonymousEmailSubject('Jane@Example.com')).toBe(
      `anon${v.hashEmail('jane@example.com').slice(0, 32)}`,
    );
    expect(v.hashIp('10.0.0.1')).toMatch(/^[0-9a-f]{64}$/);
  });

  describe('with an erasure register', () => {
    const registered = () => {
      const erased = new Set<string>();
      const made = vault({ erasures: { isErased: (s: string) => Promise.resolve(erased.has(s)) } });
      let reads = 0;
      const readStream = made.store.readStream.bind(made.store);
      made.store.readStream = (...args: Parameters<typeof readStream>) => {
        reads += 1;
        return readStream(...args);
      };
      return { ...made, erased, reads: () => reads };
    };

    it('opens fresh from the cached key while the subject is not erased: one key read in all', async () => {
      const s = subject();
      const sealed = await vault().vault.seal(s, 'kim@example.com');
      const { vault: worker, reads } = registered();
      for (let i = 0; i < 3; i++)
        expect(await worker.open(sealed, { fresh: true })).toBe('kim@example.com');
      expect(reads()).toBe(1);
    });

    it('opens nothing once the register says erased, whatever key it holds', async () => {
      const s = subject();
      const sealed = await vault().vault.seal(s, 'lee@example.com');
      const { vault: worker, erased, reads } = registered();
      expect(await worker.open(sealed, { fresh: true })).toBe('lee@example.com');
      erased.add(s);
      expect(await worker.open(sealed, { fresh: true })).toBeNull();
      // The cached key was dropped: a plain open reads the stream again (its key is still
      // there, as between the two steps of an erasure).
      expect(await worker.open(sealed)).toBe('lee@example.com');
      expect(reads()).toBe(2);
    });
  });
});
