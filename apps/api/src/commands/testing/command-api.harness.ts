/**
 * The API as its clients meet it, for the command integration tests: the real app
 * (startApi) on the embedded EventStoreDB server in memory and the real Redis, a fresh
 * rate-limit namespace per run, and an event store client for asserting what was stored.
 */
import { randomBytes } from 'node:crypto';
import { hashIp } from '@qa/common';
import type { UserLevel } from '@qa/domain';
import { startEventStoreDbServer, type EmbeddedServer } from '@qa/embedded';
import { EventStoreDbAdapter, type StoredEvent } from '@qa/event-store';
import { Redis } from 'ioredis';
import { TokenService } from '../../auth/token.service';
import {
  DEFAULT_RATE_LIMITS,
  rateLimitPrefix,
  type RateRule,
} from '../../rate-limit/rate-limit.policy';
import { RateLimiter } from '../../rate-limit/rate-limiter';
import { testRuntime, type TestRuntime } from '../../../../../test/support/test-runtime';
import { startApi, type RunningApi } from '../../api.app';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (for malformed JSON); `body` is JSON-encoded otherwise. */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface CommandApi {
  url: string;
  store: EventStoreDbAdapter;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** Registers a user and signs them in. */
  user(
    username: string,
    password?: string,
  ): Promise<{ id: string; username: string; token: string }>;
  /** Every event of a stream, [] when absent. */
  events(stream: string): Promise<StoredEvent[]>;
  /** The commit position of the newest event anywhere: proves that nothing was appended. */
  head(): Promise<string | null>;
  /** The keyed hash the API computes for this machine's requests (they come from 127.0.0.1). */
  localIpHash: string;
  /** Uses up `count` of a rate-limit budget, as that many earlier requests would have. */
  spendRateLimit(
    rule: keyof typeof DEFAULT_RATE_LIMITS,
    subject: string,
    count: number,
  ): Promise<void>;
  /** A correctly signed token for a user, issued `ageSeconds` ago with the given lifetime. */
  signToken(
    claims: { userId: string; username: string; level: UserLevel },
    options?: { ageSeconds?: number; ttlSeconds?: number; secret?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startCommandApi(): Promise<CommandApi> {
  const esdb: EmbeddedServer = await startEventStoreDbServer({ port: 0, data: ':memory:' });
  const base: TestRuntime = testRuntime({}, { eventStoreUrl: esdb.url });
  // A fresh hash key gives this run its own rate-limit counters in the shared Redis.
  const runtime: TestRuntime = {
    ...base,
    secrets: { ...base.secrets, hashKey: randomBytes(24).toString('base64url') },
  };
  let api: RunningApi;
  try {
    api = await startApi(runtime, { prettyLogs: false });
  } catch (e) {
    await esdb.close();
    base.cleanup();
    throw e;
  }
  const store = new EventStoreDbAdapter(esdb.url);
  const redis = new Redis(runtime.redisUrl, { maxRetriesPerRequest: 2 });
  const limiter = new RateLimiter(redis, rateLimitPrefix(runtime.secrets.hashKey));

  const request = async <T = any>(method: string, path: string, options: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${api.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: the test sees the text.
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  };

  return {
    url: api.url,
    store,
    request,
    async user(username, password = 'correct horse battery') {
      const created = await request('POST', '/api/v1/users', {
        body: { username, email: `${username.toLowerCase()}@example.com`, password },
      });
      if (created.status !== 201)
        throw new Error(`register ${username}: ${JSON.stringify(created.body)}`);
      const session = await request('POST', '/api/v1/sessions', {
        body: { login: username, password },
      });
      if (session.status !== 200)
        throw new Error(`sign in ${username}: ${JSON.stringify(session.body)}`);
      return { id: created.body.id, username, token: session.body.token };
    },
    events: (stream) => store.readStream(stream),
    async head() {
      const position = await store.headPosition();
      return position ? position.commit.toString() : null;
    },
    localIpHash: hashIp(runtime.secrets.hashKey, '127.0.0.1'),
    async spendRateLimit(rule, subject, count) {
      const budget: RateRule = { ...DEFAULT_RATE_LIMITS[rule], limit: Number.MAX_SAFE_INTEGER };
      // The counters are per fixed window: spending just before it ends would leave the next
      // request in a fresh window, so wait for the new window to begin first.
      const windowMs = budget.windowSeconds * 1000;
      const left = windowMs - (Date.now() % windowMs);
      if (left < 15_000) await new Promise((resolve) => setTimeout(resolve, left + 100));
      for (let i = 0; i < count; i++) await limiter.consume([{ rule: budget, subject }]);
    },
    signToken(claims, options = {}) {
      const issuedAt = Math.floor(Date.now() / 1000) - (options.ageSeconds ?? 0);
      return new TokenService({
        secret: options.secret ?? runtime.secrets.jwtSecret,
        ttlSeconds: options.ttlSeconds,
        now: () => issuedAt,
      }).issue(claims);
    },
    async close() {
      await redis.quit();
      await api.stop();
      await store.close();
      await esdb.close();
      base.cleanup();
    },
  };
}
