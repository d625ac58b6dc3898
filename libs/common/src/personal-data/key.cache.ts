/**
 * A small LRU of subject keys with a time to live. The TTL bounds how long a process that
 * did not perform an erasure itself may keep using a key that another process erased.
 */
export class KeyCache {
  private readonly entries = new Map<string, { key: string; expiresAt: number }>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(subject: string): string | undefined {
    const entry = this.entries.get(subject);
    if (!entry) return undefined;
    this.entries.delete(subject);
    if (entry.expiresAt <= this.now()) return undefined;
    // Re-inserting moves the entry to the most recently used end of the Map's order.
    this.entries.set(subject, entry);
    return entry.key;
  }

  set(subject: string, key: string): void {
    this.entries.delete(subject);
    this.entries.set(subject, { key, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(subject: string): void {
    this.entries.delete(subject);
  }

  get size(): number {
    return this.entries.size;
  }
}
