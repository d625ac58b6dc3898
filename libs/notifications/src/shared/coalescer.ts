/**
 * Group commit for many concurrent small requests (one per email being sent): the first
 * request runs at once; requests that arrive while a batch is in flight wait and go together
 * in the next one. Nothing waits when the system is idle, and under load one round trip to
 * the database serves a whole batch.
 */
export class Coalescer<T, R> {
  private queue: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private inFlight = 0;

  constructor(
    /** Handles a batch; returns one result (or one Error to reject with) per item, in order. */
    private readonly run: (items: T[]) => Promise<Array<R | Error>>,
    private readonly maxBatch = 500,
    private readonly maxInFlight = 1,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
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
          this.pump();
        });
    }
  }
}
