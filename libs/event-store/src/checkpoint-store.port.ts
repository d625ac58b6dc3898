/**
 * Where a subscription remembers how far it got in `$all`. The MongoDB implementation lives
 * with the read models, so the checkpoint is written next to the data it covers; the
 * in-memory one below backs tests of the subscription runner only.
 */
import type { Position } from './event-store.port';

export interface CheckpointStore {
  /** The position stored for this subscription name, or null when it never stored one. */
  load(name: string): Promise<Position | null>;
  /** Called only after the events up to `position` were handled and are durable. */
  store(name: string, position: Position): Promise<void>;
}
