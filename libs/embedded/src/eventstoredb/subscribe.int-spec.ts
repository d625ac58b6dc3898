/**
 * Catch-up subscriptions through the real client: confirmation, catch-up strictly after
 * the start point, checkpoints, caught-up, live events, filters, and the catch-up/live
 * seam under racing appends.
 */
import {
  END,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  START,
  streamNameFilter,
  type Position,
  type ResolvedEvent,
  type StreamSubscription,
  type AllStreamSubscription,
  StreamDeletedError,
} from '@eventstore/db-client';
import {
  collect,
  events,
  startHarness,
  startHarnessOn,
  uniqueStream,
  type Harness,
} from './eventstoredb.fixture';

jest.setTimeout(30_000);

type Sub = StreamSubscription | AllStreamSubscription;

/** Records what a subscription emits, in order, as `event:<type>`, `caughtUp` or `checkpoint`. */
function record(subscription: Sub) {
  const log: string[] = [];
  const received: ResolvedEvent[] = [];
  const checkpoints: Position[] = [];
  let confirmed = false;
  subscription.on('confirmation', () => (confirmed = true));
  subscription.on('caughtUp', () => log.push('caughtUp'));
  subscription.on('data', (e: ResolvedEvent) => {
    received.push(e);
    log.push(`event:${e.event!.type}`);
  });
  const waitFor = async (predicate: () => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; saw ${log.join(', ')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { log, received, checkpoints, waitFor, confirmed: () => confirmed };
}

describe.each(['memory', 'disk'] as const)('subscriptions (%s)', (mode) => {
  let h: Harness;
  const open: Sub[] = [];
  beforeAll(async () => {
    h = await startHarnessOn(mode);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.unsubscribe()));
  });
  afterAll(async () => {
    await h.stop();
  });

  function track<S extends Sub>(s: S): S {
    open.push(s);
    return s;
  }

  it('to a stream: confirms, catches up after the given revision, reports caught up, then goes live', async () => {
    const stream = uniqueStream();
    await h.client.appendToStream(stream, [
      jsonEvent({ type: 'e0', data: {} }),
      jsonEvent({ type: 'e1', data: {} }),
      jsonEvent({ type: 'e2', data: {} }),
    ]);
    const sub = track(h.client.subscribeToStream(stream, { fromRevision: 0n }));
    const r = record(sub);
    await r.waitFor(() => r.log.includes('caughtUp'));
    expect(r.confirmed()).toBe(true);
    await h.client.appendToStream(stream, jsonEvent({ type: 'e3', data: {} }));
    await r.waitFor(() => r.received.length === 3);
    expect(r.log).toEqual(['event:e1', 'event:e2', 'caughtUp', 'event:e3']);
    expect(r.received.map((e) => e.event!.revision)).toEqual([1n, 2n, 3n]);
  });

  it('to a stream from the start and from the end', async () => {
    const stream = uniqueStream();
    await h.client.appendToStream(stream, events(2, 'old'));
    const fromStart = record(track(h.client.subscribeToStream(stream, { fromRevision: START })));
    const fromEnd = record(track(h.client.subscribeToStream(stream, { fromRevision: END })));
    await fromStart.waitFor(() => fromStart.log.includes('caughtUp'));
    await fromEnd.waitFor(() => fromEnd.log.includes('caughtUp'));
    await h.client.appendToStream(stream, events(1, 'new'));
    await fromStart.waitFor(() => fromStart.received.length === 3);
    await fromEnd.waitFor(() => fromEnd.received.length === 1);
    expect(fromStart.log).toEqual(['event:old', 'event:old', 'caughtUp', 'event:new']);
    expect(fromEnd.log).toEqual(['caughtUp', 'event:new']);
  });

  it('to a stream that does not exist yet: caught up at once, then its first events', async () => {
    const stream = uniqueStream();
    const r = record(track(h.client.subscribeToStream(stream)));
    await r.waitFor(() => r.log.includes('caughtUp'));
    await h.client.appendToStream(stream, events(2, 'born'));
    await r.waitFor(() => r.received.length === 2);
    expect(r.received.map((e) => e.event!.revision)).toEqual([0n, 1n]);
  });

  it('to a tombstoned stream fails with stream deleted', async () => {
    const stream = uniqueStream();
    await h.client.appendToStream(stream, events(1));
    await h.client.tombstoneStream(stream);
    const sub = h.client.subscribeToStream(stream);
    const error = await new Promise((resolve) => sub.on('error', resolve));
    expect(error).toBeInstanceOf(StreamDeletedError);
  });

  it('to $all from a position sends only events strictly after it', async () => {
    const stream = uniqueStream('after');
    const first = await h.client.appendToStream(stream, events(1, 'before'));
    await h.client.appendToStream(stream, events(2, 'afterwards'));
    const r = record(track(h.client.subscribeToAll({ fromPosition: first.position! })));
    await r.waitFor(() => r.log.includes('caughtUp'));
    const mine = r.received.filter((e) => e.event!.streamId === stream);
    expect(mine.map((e) => e.event!.type)).toEqual(['afterwards', 'afterwards']);
    expect(r.received.every((e) => e.event!.position!.commit > first.position!.commit)).toBe(true);
  });

  it('to $all with a stream-name prefix filter: only matching streams, checkpoint before caught up', async () => {
    const prefix = `pfx${Date.now()}-`;
    await h.client.appendToStream(`${prefix}a`, events(2, 'wanted'));
    await h.client.appendToStream(uniqueStream('other'), events(2, 'unwanted'));
    const sub = track(
      h.client.subscribeToAll({
        fromPosition: START,
        filter: streamNameFilter({
          prefixes: [prefix],
          checkpointReached: (_s, position) => {
            r.checkpoints.push(position);
            r.log.push('checkpoint');
          },
        }),
      }),
    );
    const r = record(sub);
    await r.waitFor(() => r.log.includes('caughtUp'));
    await h.client.appendToStream(uniqueStream('other'), events(1, 'unwanted'));
    await h.client.appendToStream(`${prefix}b`, events(1, 'wanted-live'));
    await r.waitFor(() => r.received.length === 3);
    expect(r.received.map((e) => e.event!.type)).toEqual(['wanted', 'wanted', 'wanted-live']);
    const caughtUp = r.log.indexOf('caughtUp');
    expect(r.log[caughtUp - 1]).toBe('checkpoint');
  });

  it('to $all with an event-type regex filter', async () => {
    const tag = `Rx${Date.now()}`;
    const stream = uniqueStream();
    await h.client.appendToStream(stream, [
      jsonEvent({ type: `${tag}Created`, data: {} }),
      jsonEvent({ type: 'Unrelated', data: {} }),
      jsonEvent({ type: `${tag}Deleted`, data: {} }),
    ]);
    const r = record(
      track(h.client.subscribeToAll({ filter: eventTypeFilter({ regex: `^${tag}` }) })),
    );
    await r.waitFor(() => r.log.includes('caughtUp'));
    expect(r.received.map((e) => e.event!.type)).toEqual([`${tag}Created`, `${tag}Deleted`]);
  });

  it('excludeSystemEvents leaves out the $-typed events of the store', async () => {
    const r = record(track(h.client.subscribeToAll({ filter: excludeSystemEvents() })));
    await r.waitFor(() => r.log.includes('caughtUp'));
    expect(r.received.length).toBeGreaterThan(0);
    expect(r.received.some((e) => e.event!.type.startsWith('$'))).toBe(false);
  });

  it('sends a checkpoint every window x multiplier considered events while filtering', async () => {
    const stream = uniqueStream('cp');
    const start = await h.client.appendToStream(stream, events(1, 'mark'));
    await h.client.appendToStream(uniqueStream('noise'), events(100, 'noise'));
    const checkpoints: bigint[] = [];
    const r = record(
      track(
        h.client.subscribeToAll({
          fromPosition: start.position!,
          filter: eventTypeFilter({
            prefixes: ['never-matches'],
            maxSearchWindow: 10,
            checkpointInterval: 2,
            checkpointReached: (_s, p) => {
              checkpoints.push(p.commit);
            },
          }),
        }),
      ),
    );
    await r.waitFor(() => r.log.includes('caughtUp'));
    // 100 considered events, one checkpoint per 20, plus the one when catch-up ends.
    expect(checkpoints).toHaveLength(6);
    for (let i = 1; i < checkpoints.length; i++)
      expect(checkpoints[i]).toBeGreaterThanOrEqual(checkpoints[i - 1]);
    expect(r.received).toEqual([]);
  });

  it('has no gap and no duplicate between catch-up and live while appends race', async () => {
    const stream = uniqueStream('race');
    await h.client.appendToStream(stream, events(300, 'pre'));
    let stopWriting = false;
    let written = 300;
    const writer = (async () => {
      while (!stopWriting) {
        await h.client.appendToStream(stream, events(5, 'during'));
        written += 5;
      }
    })();
    const r = record(track(h.client.subscribeToStream(stream)));
    const all = record(
      track(h.client.subscribeToAll({ filter: streamNameFilter({ prefixes: [stream] }) })),
    );
    await r.waitFor(() => r.log.includes('caughtUp'));
    await all.waitFor(() => all.log.includes('caughtUp'));
    await new Promise((res) => setTimeout(res, 200));
    stopWriting = true;
    await writer;
    await r.waitFor(() => r.received.length === written);
    await all.waitFor(() => all.received.length === written);
    const expected = Array.from({ length: written }, (_, i) => BigInt(i));
    expect(r.received.map((e) => e.event!.revision)).toEqual(expected);
    expect(all.received.map((e) => e.event!.revision)).toEqual(expected);
    const read = await collect(h.client.readStream(stream));
    expect(read.map((e) => e.event!.id)).toEqual(all.received.map((e) => e.event!.id));
  });

  it('keeps serving a subscriber that reads slowly through a large catch-up', async () => {
    const stream = uniqueStream('slow');
    for (let i = 0; i < 4; i++) await h.client.appendToStream(stream, events(500));
    const sub = track(h.client.subscribeToStream(stream));
    let seen = 0;
    for await (const e of sub) {
      expect(e.event!.revision).toBe(BigInt(seen));
      seen++;
      if (seen % 400 === 0) await new Promise((res) => setTimeout(res, 20));
      if (seen === 2000) break;
    }
    expect(seen).toBe(2000);
  });
});

describe('an idle subscription', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.stop());

  it('stays open across client keepalive pings and still receives events', async () => {
    const stream = uniqueStream('idle');
    const sub = h.client.subscribeToStream(stream);
    const r = record(sub);
    let failed: unknown = null;
    sub.on('error', (e) => (failed = e));
    await r.waitFor(() => r.log.includes('caughtUp'));
    // Longer than the client's 10 s keepalive interval, so at least one ping goes by idle.
    await new Promise((res) => setTimeout(res, 12_000));
    await h.client.appendToStream(stream, events(1, 'late'));
    await r.waitFor(() => r.received.length === 1);
    expect(failed).toBeNull();
    expect(r.log).toEqual(['caughtUp', 'event:late']);
    await sub.unsubscribe();
  });
});
