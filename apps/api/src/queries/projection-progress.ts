/**
 * Read-your-writes (API.md `X-Wait-For-Position`): waits until the projector's checkpoint
 * for the served version has reached a position. One shared poll of the checkpoint document
 * (every 10 ms, only while someone waits) serves every waiting request.
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
  private polling = false;

  constructor(@Inject(ReadModelLocator) private readonly locator: ReadModelLocator) {}

  static readonly POLL_MS = 10;

  /** True once the read models have processed `position`, false after `timeoutMs`. */
  async waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    if (await this.poll(position)) return true;
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

  /** Reads the checkpoint; true when it is at or past `position`. */
  private async poll(position: bigint): Promise<boolean> {
    const store = await this.locator.store();
    if (store.version === this.reachedVersion && this.reached >= position) return true;
    const doc = await store.db
      .collection<{ _id: string; commit: string }>(CHECKPOINTS_COLLECTION)
      .findOne({ _id: checkpointName(store.version) });
    this.reachedVersion = store.version;
    this.reached = doc ? BigInt(doc.commit) : -1n;
    return this.reached >= position;
  }

  private async tick(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const lowest = [...this.waiters].reduce((m, w) => (w.position < m ? w.position : m), this.waiters.values().next().value?.position ?? 0n);
      await this.poll(lowest).catch(() => false);
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
      this.polling = false;
      if (this.waiters.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    }
  }
}
