/**
 * The young generation for the parts that hold hundreds of thousands of long-lived objects
 * while they make many more: the embedded MongoDB (every stored document and index entry) and
 * a rebuild of the read models (`npm run replay`, `audit verify`: the folded documents).
 *
 * V8 lets each of the two semi-spaces grow to 16 MB, so such a part scavenges every few
 * megabytes it allocates, and every scavenge copies whatever is still alive. With 64 MB, a
 * document replaced several times within a batch dies young more often, and there are a
 * quarter as many scavenges: over a replay of 1,000,000 events (`npm run bench:replay`), the
 * replaying process spent 11.7 s in them instead of 18.6 s and the MongoDB server 9.8 s
 * instead of 15.4 s. It costs at most 96 MB more memory per part.
 */
export const LARGE_HEAP_SEMI_SPACE_MB = 64;

/**
 * For a process (`npm run replay`, `audit`, `embedded` and the benchmarks that replay pass the
 * same flag in package.json).
 */
export const LARGE_HEAP_NODE_FLAGS: readonly string[] = [
  `--max-semi-space-size=${LARGE_HEAP_SEMI_SPACE_MB}`,
];

/** For a worker thread, whose young generation is its two semi-spaces and a large-object space as big as one. */
export const LARGE_HEAP_THREAD_LIMITS = {
  maxYoungGenerationSizeMb: 3 * LARGE_HEAP_SEMI_SPACE_MB,
} as const;

/**
 * The embedded servers that get it, on a thread of `npm start` or in a benchmark's process:
 * MongoDB, which keeps every document and index entry on its heap (EventStoreDB keeps its
 * events in SQLite). `npm run embedded` passes the flag whichever server it runs.
 */
const LARGE_HEAP_SERVERS: ReadonlySet<string> = new Set(['mongodb']);

/** Node flags for an embedded server's own process. */
export const serverNodeFlags = (server: string): readonly string[] =>
  LARGE_HEAP_SERVERS.has(server) ? LARGE_HEAP_NODE_FLAGS : [];

/** Resource limits for an embedded server's thread (undefined: the defaults). */
export const serverThreadLimits = (server: string): typeof LARGE_HEAP_THREAD_LIMITS | undefined =>
  LARGE_HEAP_SERVERS.has(server) ? LARGE_HEAP_THREAD_LIMITS : undefined;
