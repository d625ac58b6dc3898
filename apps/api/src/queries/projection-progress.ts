/**
 * Read-your-writes (API.md `X-Wait-For-Position`): waits until the projector's checkpoint
 * for the served version has reached a position. One shared read of the checkpoint document
 * at a time (on arrival, then every 10 ms while someone waits) serves every waiting request.
 */
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { CHECKPOINTS_COLLECTION, ReadModelLocator, checkpointName } from '@qa/read-models';

interface Waiter {
  position: bigint;
  resolve: (reached: boolean) => void;
  deadline: number;
}

@Injectable()
export class ProjectionProgress implements OnModuleDestroy {
  private readonly waiters = new Set<Waiter>();
  private reached = -1n;
  private reachedVersion = -1;
  private timer: NodeJS.Timeout | null = null;
  /** The checkpoint read in flight; requests arriving meanwhile await it instead of reading again. */
  private reading: Promise<void> | null = null;

  constructor(@Inject(ReadModelLocator) private readonly locator: ReadModelLocator) {}

  static readonly POLL_MS = 10;

  /** True once the read models have processed `position`, false after `timeoutMs`. */
  async waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    const { version } = await this.locator.store();
    if (!this.covers(version, position)) await this.refresh();
    if (this.covers(version, position)) return true;
    return new Promise<boolean>((resolve) => {
      this.waiters.add({ position, resolve, deadline: Date.now() + timeoutMs });
      this.timer ??= setInterval(() => void this.tick(), ProjectionProgress.POLL_MS);
    });
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const w of this.waiters) w.resolve(false);
    this.waiters.clear();
  }

  /** True when the last checkpoint read is of `version` and at or past `position`. */
  private covers(version: number, position: bigint): boolean {
    return this.reachedVersion === version && this.reached >= position;
  }

  /** Reads the checkpoint of the served version, sharing a read already in flight. */
  private refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    const store = await this.locator.store();
    const doc = await store.db
      .collection<{ _id: string; commit: string }>(CHECKPOINTS_COLLECTION)
      .findOne({ _id: checkpointName(store.version) });
    this.reachedVersion = store.version;
    this.reached = doc ? BigInt(doc.commit) : -1n;
  }

  private async tick(): Promise<void> {
    if (this.reading) return;
    try {
      await this.refresh().catch(() => undefined);
      const now = Date.now();
      for (const w of this.waiters) {
        if (this.reached >= w.position) {
          this.waiters.delete(w);
          w.resolve(true);
        } else if (now >= w.deadline) {
          this.waiters.delete(w);
          w.resolve(false);
        }
      }
    } finally {
      if (this.waiters.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    }
  }
}
