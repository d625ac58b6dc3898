/**
 * Group commit for many concurrent small requests (one per email being sent): a batch
 * starts `lingerMs` after its first request (or once full), and requests that arrive while
 * a batch is in flight go together in the next one. Under load one round trip to the
 * database serves a whole batch; when idle a request waits at most `lingerMs`.
 */
export class Coalescer<T, R> {
  private queue: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private inFlight = 0;
  private lingering: NodeJS.Timeout | null = null;

  constructor(
    /** Handles a batch; returns one result (or one Error to reject with) per item, in order. */
    private readonly run: (items: T[]) => Promise<Array<R | Error>>,
    private readonly maxBatch = 500,
    private readonly lingerMs = 0,
    private readonly maxInFlight = 1,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (
      this.lingerMs > 0 &&
      this.queue.length < this.maxBatch &&
      this.inFlight < this.maxInFlight
    ) {
      this.lingering ??= setTimeout(() => {
        this.lingering = null;
        this.flush();
      }, this.lingerMs);
      return;
    }
    this.flush();
  }

  private flush(): void {
    if (this.lingering && this.queue.length >= this.maxBatch) {
      clearTimeout(this.lingering);
      this.lingering = null;
    }
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.run(batch.map((b) => b.item))
        .then(
          (results) =>
            batch.forEach((b, i) => {
              const r = results[i];
              if (r instanceof Error) b.reject(r);
              else b.resolve(r);
            }),
          (error: unknown) => batch.forEach((b) => b.reject(error)),
        )
        .finally(() => {
          this.inFlight--;
          // What queued up meanwhile has waited long enough: it goes at once.
          this.flush();
        });
    }
  }
}
