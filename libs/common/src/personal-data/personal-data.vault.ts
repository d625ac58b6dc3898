/**
 * The personal-data vault: seals values (email addresses) with a key per data subject and
 * opens them again, for as long as that subject's key exists. The key lives only in the
 * stream `subjectkey-<subject>`; erasing a person tombstones that stream, which makes every
 * copy of their sealed data anywhere in the immutable history unreadable (crypto-shredding).
 *
 * It depends only on the EventStore port, so the write side, the worker and the audit tools
 * share it whatever store sits behind the port.
 */
import { randomUUID } from 'node:crypto';
import { ConcurrencyError, DomainError, streams } from '@qa/domain';
import type { Sealed, SubjectKeyCreated } from '@qa/domain';
import { STREAM_DELETED } from '@qa/event-store';
import type { EventMetadata, EventStore, StoredEvent } from '@qa/event-store';
import type { ErasureRegister } from './erased-subjects';
import { KeyCache } from './key.cache';
import {
  anonymousEmailSubject,
  generateSubjectKey,
  hashEmail,
  hashIp,
  openWithKey,
  sealWithKey,
} from './personal-data.crypto';

export interface PersonalDataVaultOptions {
  /** `runtime.secrets.hashKey`: keys the email and IP hashes. */
  hashKey: string;
  /** How many subject keys to keep in memory (default 10,000). */
  cacheSize?: number;
  /**
   * How long a cached key is trusted (default 60 s). Another process may erase a subject;
   * after this long at most, this process stops opening that subject's data too.
   */
  cacheTtlMs?: number;
  /**
   * Where erasures are recorded (`ErasedSubjects`). With it, a `fresh` open checks the
   * register instead of re-reading the key stream, so a process may keep using its cached
   * keys for as long as nobody erased them. Without it, a `fresh` open re-reads the key.
   */
  erasures?: Pick<ErasureRegister, 'isErased'>;
}

/** Sealing for a subject whose key was erased: their data cannot be stored again. */
export class SubjectErasedError extends DomainError {
  constructor(readonly subject: string) {
    super('conflict', 'PERSONAL_DATA_ERASED', `The personal data of ${subject} was erased.`);
    this.name = 'SubjectErasedError';
  }
}

type KeyLookup = { state: 'present'; key: string } | { state: 'absent' } | { state: 'erased' };

/** A tombstoned stream: the port's adapters throw this one stable code for it. */
export function isStreamDeletedError(e: unknown): boolean {
  return e instanceof DomainError && e.code === STREAM_DELETED;
}

export class PersonalDataVault {
  private readonly cache: KeyCache;
  private readonly loading = new Map<string, Promise<KeyLookup>>();
  /** Bumped by erase(): a read that started before an erasure must not cache the key. */
  private readonly erasures = new Map<string, number>();

  constructor(
    private readonly store: EventStore,
    private readonly options: PersonalDataVaultOptions,
  ) {
    this.cache = new KeyCache(options.cacheSize ?? 10_000, options.cacheTtlMs ?? 60_000);
  }

  /**
   * Encrypts `plaintext` with the subject's key, creating the key on first use. Two
   * processes creating the same subject's key at once both end up using the one stored.
   */
  async seal(subject: string, plaintext: string, metadata?: EventMetadata): Promise<Sealed> {
    const key = await this.keyFor(subject, metadata);
    return sealWithKey(subject, key, plaintext);
  }

  /**
   * The clear value, or null once the subject's key was erased (or never existed).
   * `fresh` is for a use that must not outlive an erasure made by another process, such as
   * sending an email: the erasure register is asked (alongside the cached key), or, for a
   * vault without one, the key is re-read instead of trusted from the cache.
   */
  async open(sealed: Sealed, options: { fresh?: boolean } = {}): Promise<string | null> {
    const register = options.fresh ? this.options.erasures : undefined;
    if (options.fresh && !register) this.cache.delete(sealed.subject);
    const [found, erased] = await Promise.all([
      this.lookup(sealed.subject),
      register?.isErased(sealed.subject) ?? false,
    ]);
    if (erased) {
      this.forget(sealed.subject);
      return null;
    }
    if (found.state !== 'present') return null;
    return openWithKey(sealed, found.key);
  }

  /**
   * Tombstones the subject's key: nothing sealed for them can be opened again. The product
   * erases through `PersonalDataEraser`, which records the erasure in `ErasedSubjects`
   * first, so vaults elsewhere that trust cached keys learn of it.
   */
  async erase(subject: string): Promise<void> {
    this.erasures.set(subject, (this.erasures.get(subject) ?? 0) + 1);
    this.loading.delete(subject);
    this.cache.delete(subject);
    try {
      await this.store.deleteStream(streams.subjectKey(subject), { tombstone: true });
    } catch (e) {
      if (!isStreamDeletedError(e)) throw e;
    }
    this.cache.delete(subject);
  }

  /** Drops a cached key, e.g. when this process learns another one erased the subject. */
  forget(subject: string): void {
    this.erasures.set(subject, (this.erasures.get(subject) ?? 0) + 1);
    this.loading.delete(subject);
    this.cache.delete(subject);
  }

  hashEmail(email: string): string {
    return hashEmail(this.options.hashKey, email);
  }

  hashIp(ip: string): string {
    return hashIp(this.options.hashKey, ip);
  }

  /** The subject under which an anonymous poster's email is sealed. */
  anonymousEmailSubject(email: string): string {
    return anonymousEmailSubject(this.options.hashKey, email);
  }

  private async keyFor(subject: string, metadata?: EventMetadata): Promise<string> {
    // A bounded number of rounds: each lost race means the key now exists, so the re-read finds it.
    for (let attempt = 0; attempt < 3; attempt++) {
      const found = await this.lookup(subject);
      if (found.state === 'present') return found.key;
      if (found.state === 'erased') throw new SubjectErasedError(subject);
      const key = generateSubjectKey();
      const event: SubjectKeyCreated = { type: 'SubjectKeyCreated', data: { subject, key } };
      try {
        await this.store.appendToStream(
          streams.subjectKey(subject),
          [{ type: event.type, data: event.data, id: randomUUID() }],
          { expectedRevision: 'no_stream', metadata: metadata ?? systemMetadata() },
        );
        this.cache.set(subject, key);
        return key;
      } catch (e) {
        if (isStreamDeletedError(e)) throw new SubjectErasedError(subject);
        if (!(e instanceof ConcurrencyError)) throw e;
      }
    }
    throw new Error(`Could not create or read the key of subject ${subject}.`);
  }

  private lookup(subject: string): Promise<KeyLookup> {
    const cached = this.cache.get(subject);
    if (cached !== undefined) return Promise.resolve({ state: 'present', key: cached });
    // Concurrent lookups of one subject share a single read of its stream.
    let pending = this.loading.get(subject);
    if (!pending) {
      pending = this.readKey(subject).finally(() => this.loading.delete(subject));
      this.loading.set(subject, pending);
    }
    return pending;
  }

  private async readKey(subject: string): Promise<KeyLookup> {
    const generation = this.erasures.get(subject);
    let events: StoredEvent[];
    try {
      events = await this.store.readStream(streams.subjectKey(subject), { maxCount: 1 });
    } catch (e) {
      if (isStreamDeletedError(e)) return { state: 'erased' };
      throw e;
    }
    const created = events.find((e) => e.type === 'SubjectKeyCreated');
    if (!created) return { state: 'absent' };
    const key = (created.data as SubjectKeyCreated['data']).key;
    if (this.erasures.get(subject) === generation) this.cache.set(subject, key);
    return { state: 'present', key };
  }
}

function systemMetadata(): EventMetadata {
  const id = randomUUID();
  return {
    correlationId: id,
    causationId: id,
    actor: 'system',
    at: new Date().toISOString(),
    schemaVersion: 1,
  };
}
