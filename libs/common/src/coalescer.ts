/**
 * Group commit for many concurrent small requests (one per email being sent, one per page
 * read): a batch starts `linger` after its first request (or once full), and requests that
 * arrive while a batch is in flight go together in the next one. Under load one round trip
 * to the database serves a whole batch; when idle a request waits at most `linger`.
 *
 * `linger` is milliseconds, or `'turn'`: the batch leaves once the current turn of the event
 * loop has run its I/O callbacks (`setImmediate`), so it holds what was asked for in the same
 * turn and a request is never answered by a round trip that started before it was made.
 */
export interface CoalescerOptions<T> {
  /** The most items one batch holds (default 500). */
  maxBatch?: number;
  /** How long a batch waits for more items after its first one (default 0: it leaves at once). */
  linger?: number | 'turn';
  /** Batches in flight at once (default 1). */
  maxInFlight?: number;
  /** Items with the same key waiting in one batch are asked for once, and share the result. */
  keyOf?: (item: T) => string;
}

interface Waiter<R> {
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class Coalescer<T, R> {
  private queue: Array<{ item: T; waiters: Array<Waiter<R>> }> = [];
  /** The queued entries by key (with `keyOf`), so an equal item joins its entry. */
  private readonly queued = new Map<string, { item: T; waiters: Array<Waiter<R>> }>();
  private inFlight = 0;
  /** Cancels the pending linger, if one is pending. */
  private lingering: (() => void) | null = null;
  private readonly maxBatch: number;
  private readonly linger: number | 'turn';
  private readonly maxInFlight: number;
  private readonly keyOf: ((item: T) => string) | undefined;

  constructor(
    /** Handles a batch; returns one result (or one Error to reject with) per item, in order. */
    private readonly run: (items: T[]) => Promise<Array<R | Error>>,
    options: CoalescerOptions<T> = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.linger = options.linger ?? 0;
    this.maxInFlight = options.maxInFlight ?? 1;
    this.keyOf = options.keyOf;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const key = this.keyOf?.(item);
      const same = key === undefined ? undefined : this.queued.get(key);
      if (same) {
        same.waiters.push({ resolve, reject });
        return;
      }
      const entry = { item, waiters: [{ resolve, reject }] };
      this.queue.push(entry);
      if (key !== undefined) this.queued.set(key, entry);
      this.pump();
    });
  }
  private pump(): void {
    if (
      this.linger !== 0 &&
      this.queue.length < this.maxBatch &&
      this.inFlight < this.maxInFlight
    ) {
      this.lingering ??= this.startLinger();
      return;
    }
    this.flush();
  }

  private startLinger(): () => void {
    const done = () => {
      this.lingering = null;
      this.flush();
    };
    if (this.linger === 'turn') {
      const immediate = setImmediate(done);
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(done, this.linger);
    return () => clearTimeout(timer);
  }

  private flush(): void {
    if (this.lingering && this.queue.length >= this.maxBatch) {
      this.lingering();
      this.lingering = null;
    }
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      if (this.keyOf) for (const b of batch) this.queued.delete(this.keyOf(b.item));
      this.inFlight++;
      this.run(batch.map((b) => b.item))
        .then(
          (results) =>
            batch.forEach((b, i) => {
              const r = results[i];
              for (const w of b.waiters) {
                if (r instanceof Error) w.reject(r);
                else w.resolve(r);
              }
            }),
          (error: unknown) => batch.forEach((b) => b.waiters.forEach((w) => w.reject(error))),
        )
        .finally(() => {
          this.inFlight--;
          // What queued up meanwhile has waited long enough: it goes at once.
          this.flush();
        });
    }
  }
}
