/**
 * A sorted list kept as a sequence of small sorted blocks (at most MAX_BLOCK items each), the
 * layout of a B+tree's leaf level. Inserting or deleting moves at most one block's items and
 * finds its block by bisection over the blocks' last items, so the cost of a write stays flat
 * as the list grows; one flat sorted array would move half the list on every insert.
 * Splitting a full block shifts the array of blocks, which happens once per MAX_BLOCK / 2
 * inserts and moves only pointers (one per block), so it stays negligible at millions of items.
 */

const MAX_BLOCK = 512;

/** A place between two items: block number and offset inside that block. */
export interface ListPosition {
  block: number;
  offset: number;
}

export class SortedBlockList<T> {
  private blocks: T[][] = [];
  private count = 0;

  /** `compare` must be a total order in which no two stored items compare equal. */
  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.count;
  }

  /** Number of the first block whose last item is not before `item`, or the last block. */
  private blockFor(item: T): number {
    const blocks = this.blocks;
    let lo = 0;
    let hi = blocks.length - 1;
    // Keys that only grow (sequences, ObjectIds, creation times) land in the last block.
    if (hi < 0 || this.compare(blocks[hi][blocks[hi].length - 1], item) < 0) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const last = blocks[mid];
      if (this.compare(last[last.length - 1], item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private offsetIn(block: T[], item: T): number {
    let lo = 0;
    let hi = block.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(block[mid], item) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(item: T): void {
    if (this.blocks.length === 0) {
      this.blocks.push([item]);
      this.count = 1;
      return;
    }
    const b = this.blockFor(item);
    const block = this.blocks[b];
    const at = this.offsetIn(block, item);
    if (at === block.length) block.push(item);
    else block.splice(at, 0, item);
    this.count++;
    if (block.length >= MAX_BLOCK) this.blocks.splice(b + 1, 0, block.splice(MAX_BLOCK >>> 1));
  }

  /** Removes the stored item that compares equal to `item`; false when there is none. */
  delete(item: T): boolean {
    if (this.blocks.length === 0) return false;
    const b = this.blockFor(item);
    const block = this.blocks[b];
    const at = this.offsetIn(block, item);
    if (at >= block.length || this.compare(block[at], item) !== 0) return false;
    if (at === block.length - 1) block.pop();
    else block.splice(at, 1);
    this.count--;
    if (block.length === 0) this.blocks.splice(b, 1);
    return true;
  }

  /** Replaces the content with items already sorted by `compare`. */
  load(sorted: T[]): void {
    this.blocks = [];
    const half = MAX_BLOCK >>> 1;
    for (let i = 0; i < sorted.length; i += half) this.blocks.push(sorted.slice(i, i + half));
    this.count = sorted.length;
  }

  clear(): void {
    this.blocks = [];
    this.count = 0;
  }

  /** The first position whose item is not `before` the probe; `before` must be monotone. */
  lowerBound(before: (item: T) => boolean): ListPosition {
    const blocks = this.blocks;
    let lo = 0;
    let hi = blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const block = blocks[mid];
      if (before(block[block.length - 1])) lo = mid + 1;
      else hi = mid;
    }
    if (lo === blocks.length) return { block: lo, offset: 0 };
    const block = blocks[lo];
    let a = 0;
    let z = block.length - 1;
    while (a < z) {
      const mid = (a + z) >>> 1;
      if (before(block[mid])) a = mid + 1;
      else z = mid;
    }
    return { block: lo, offset: a };
  }

  /** Items from `from` (inclusive) to `to` (exclusive), forwards or backwards. */
  *between(from: ListPosition, to: ListPosition, reverse: boolean): Generator<T> {
    const blocks = this.blocks;
    if (!reverse) {
      for (
        let b = from.block, i = from.offset;
        b < to.block || (b === to.block && i < to.offset);
      ) {
        const block = blocks[b];
        const end = b === to.block ? to.offset : block.length;
        for (; i < end; i++) yield block[i];
        b++;
        i = 0;
      }
      return;
    }
    let b = to.block;
    let i = to.offset - 1;
    while (b > from.block || (b === from.block && i >= from.offset)) {
      if (i < 0) {
        b--;
        i = blocks[b].length - 1;
        continue;
      }
      const stop = b === from.block ? from.offset : 0;
      for (; i >= stop; i--) yield blocks[b][i];
      if (b === from.block) return;
    }
  }

  /**
   * Hands the items from `from` (inclusive) to `to` (exclusive) to `visit`, forwards or
   * backwards, until it answers false; answers whether it went through them all.
   */
  forEachBetween(
    from: ListPosition,
    to: ListPosition,
    reverse: boolean,
    visit: (item: T) => boolean,
  ): boolean {
    const blocks = this.blocks;
    if (!reverse) {
      for (let b = from.block; b <= to.block && b < blocks.length; b++) {
        const block = blocks[b];
        const end = b === to.block ? to.offset : block.length;
        for (let i = b === from.block ? from.offset : 0; i < end; i++)
          if (!visit(block[i])) return false;
      }
      return true;
    }
    for (let b = Math.min(to.block, blocks.length - 1); b >= from.block; b--) {
      const block = blocks[b];
      const stop = b === from.block ? from.offset : 0;
      for (let i = (b === to.block ? to.offset : block.length) - 1; i >= stop; i--)
        if (!visit(block[i])) return false;
    }
    return true;
  }

  /** Number of items between two positions, reading only the block lengths. */
  countBetween(from: ListPosition, to: ListPosition): number {
    if (to.block < from.block || (to.block === from.block && to.offset <= from.offset)) return 0;
    if (from.block === to.block) return to.offset - from.offset;
    let n = this.blocks[from.block].length - from.offset;
    for (let b = from.block + 1; b < to.block; b++) n += this.blocks[b].length;
    return n + to.offset;
  }

  *[Symbol.iterator](): Generator<T> {
    for (const block of this.blocks) yield* block;
  }
}
