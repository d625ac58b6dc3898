/**
 * Opens sealed addresses at send time. Each email must respect an erasure made before it by
 * any process, which takes a read of the subject's key from the event store; one such read
 * per email was the largest single cost of sending. Emails to one subject whose sends begin
 * within `maxAgeMs` of each other share one fresh read (and its decryption): an erasure stops
 * every email whose send begins more than `maxAgeMs` after it, and at once in this process
 * when the reactor sees it (`forget`). Clear addresses stay in this process's memory only,
 * for at most `maxAgeMs`.
 */
import type { Sealed } from '@qa/domain';

export interface FreshSealedOpener {
  open(sealed: Sealed, options?: { fresh?: boolean }): Promise<string | null>;
}

interface SubjectRead {
  startedAt: number;
  /** Opened values by sealed data, all decided by the one fresh read of the key. */
  values: Map<string, Promise<string | null>>;
}

/**
 * Off by default: an erasure made by another process leaves no event this worker sees for
 * anonymous addresses, so only a fresh key read per email guarantees that no email goes out
 * after it. A positive window trades that guarantee for fewer reads (bench:notifications).
 */
export const DEFAULT_SEND_TIME_MAX_AGE_MS = 0;

export class SendTimeOpener {
  private readonly reads = new Map<string, SubjectRead>();

  constructor(
    private readonly vault: FreshSealedOpener,
    private readonly maxAgeMs = DEFAULT_SEND_TIME_MAX_AGE_MS,
    private readonly capacity = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The clear address, or null once the subject's key is erased. */
  open(sealed: Sealed): Promise<string | null> {
    if (this.maxAgeMs <= 0) return this.vault.open(sealed, { fresh: true });
    const now = this.now();
    let read = this.reads.get(sealed.subject);
    let fresh = false;
    if (!read || read.startedAt < now - this.maxAgeMs) {
      read = { startedAt: now, values: new Map() };
      // Re-inserted at the end: the map stays ordered by when each read started.
      this.reads.delete(sealed.subject);
      this.reads.set(sealed.subject, read);
      fresh = true;
      this.prune(now);
    }
    let opened = read.values.get(sealed.data);
    if (!opened) {
      // Only the first value of a read re-reads the key; later ones in the same window use
      // the key that read put in the vault's cache (or share the read still in flight).
      opened = this.vault.open(sealed, { fresh });
      read.values.set(sealed.data, opened);
      const entry = read;
      // A failed read decides nothing: the next send tries again.
      opened.catch(() => {
        if (this.reads.get(sealed.subject) === entry) this.reads.delete(sealed.subject);
      });
    }
    return opened;
  }

  /** Drops what is known of a subject, e.g. when the reactor learns it was erased. */
  forget(subject: string): void {
    this.reads.delete(subject);
  }

  private prune(now: number): void {
    for (const [subject, read] of this.reads) {
      if (this.reads.size <= this.capacity && read.startedAt >= now - this.maxAgeMs) return;
      this.reads.delete(subject);
    }
  }
}
