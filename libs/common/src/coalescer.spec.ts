import { Coalescer, type CoalescerOptions } from './coalescer';

const tick = () => new Promise((r) => setImmediate(r));

/** A coalescer answering each item with `answer(item)` (after a turn), and the batches it ran. */
function recording<T, R>(answer: (item: T) => R, options: CoalescerOptions<T>) {
  const batches: T[][] = [];
  const c = new Coalescer<T, R>(async (items) => {
    batches.push(items);
    await tick();
    return items.map(answer);
  }, options);
  return { c, batches };
}

describe('Coalescer', () => {
  it('runs the first request at once and batches those that arrive meanwhile', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const c = new Coalescer<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
      return items.map((i) => i * 10);
    });
    const first = c.submit(1);
    await tick();
    expect(batches).toEqual([[1]]);
    const rest = [c.submit(2), c.submit(3), c.submit(4)];
    await tick();
    expect(batches).toHaveLength(1);
    release();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('caps the batch size', async () => {
    const { c, batches } = recording((i: number) => i, { maxBatch: 2 });
    await Promise.all([1, 2, 3, 4, 5].map((i) => c.submit(i)));
    expect(batches.map((b) => b.length)).toEqual([1, 2, 2]);
  });

  it('rejects only the items whose result is an error, and a whole batch when it fails', async () => {
    const c = new Coalescer<number, number>(async (items) => {
      if (items.includes(99)) throw new Error('down');
      return items.map((i) => (i === 2 ? new Error('bad 2') : i));
    });
    const [a, b] = await Promise.allSettled([c.submit(1), c.submit(2)]);
    expect(a).toEqual({ status: 'fulfilled', value: 1 });
    expect(b).toMatchObject({ status: 'rejected', reason: new Error('bad 2') });
    await expect(c.submit(99)).rejects.toThrow('down');
    await expect(c.submit(5)).resolves.toBe(5);
  });
});

describe('Coalescer with a linger time', () => {
  it('waits for more requests before the first batch, then sends them together', async () => {
    const { c, batches } = recording((i: number) => i, { maxBatch: 100, linger: 20 });
    const all = [c.submit(1)];
    await new Promise((r) => setTimeout(r, 5));
    all.push(c.submit(2), c.submit(3));
    expect(batches).toEqual([]);
    expect(await Promise.all(all)).toEqual([1, 2, 3]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('sends a full batch without waiting', async () => {
    const { c, batches } = recording((i: number) => i, { maxBatch: 2, linger: 10_000 });
    const started = Date.now();
    await Promise.all([c.submit(1), c.submit(2)]);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(batches).toEqual([[1, 2]]);
  });
});

describe('Coalescer lingering for the turn', () => {
  it('sends what was asked for in one turn together, and a later request in a batch of its own', async () => {
    const { c, batches } = recording((i: number) => i + 1, {
      maxBatch: 100,
      linger: 'turn',
      maxInFlight: Infinity,
    });
    const first = [c.submit(1), c.submit(2)];
    expect(batches).toEqual([]);
    await tick();
    expect(batches).toEqual([[1, 2]]);
    // the first batch is still in flight: a new request does not wait for it
    const later = c.submit(3);
    await tick();
    expect(batches).toEqual([[1, 2], [3]]);
    expect(await Promise.all([...first, later])).toEqual([2, 3, 4]);
  });
});

describe('Coalescer with keys', () => {
  it('asks for equal items waiting in one batch once and gives each caller the result', async () => {
    const { c, batches } = recording((i: string) => i.toUpperCase(), {
      linger: 'turn',
      maxInFlight: Infinity,
      keyOf: (i) => i,
    });
    const first = await Promise.all([c.submit('a'), c.submit('b'), c.submit('a')]);
    expect(first).toEqual(['A', 'B', 'A']);
    // once sent, a key is free again: the next turn asks for it anew
    expect(await c.submit('a')).toBe('A');
    expect(batches).toEqual([['a', 'b'], ['a']]);
  });
});
