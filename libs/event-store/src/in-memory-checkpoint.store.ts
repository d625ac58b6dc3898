/** A `CheckpointStore` held in memory, for tests of subscription consumers. */
import type { CheckpointStore } from './checkpoint-store.port';
import type { Position } from './event-store.port';

export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, Position>();

  async load(name: string): Promise<Position | null> {
    const position = this.positions.get(name);
    return position ? { ...position } : null;
  }

  async store(name: string, position: Position): Promise<void> {
    this.positions.set(name, { ...position });
  }
}
