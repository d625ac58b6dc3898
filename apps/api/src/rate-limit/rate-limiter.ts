/**
 * Fixed-window counters in Redis, shared by every API process. One Lua script checks all
 * the counters a request is subject to and only then counts it in each, so a refused
 * request uses up nothing and two counters (user and IP) never disagree about a request.
 */
import type { Redis } from 'ioredis';
import { DomainError } from '@qa/domain';
import type { RateRule } from './rate-limit.policy';

export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'rate_limited',
      'RATE_LIMITED',
      `Too many requests; try again in ${retryAfterSeconds} s.`,
    );
    this.name = 'RateLimitedError';
  }
}

// KEYS: one counter per rule; ARGV: limit and window (ms) per rule, in the same order.
// Returns 0 when counted, otherwise the milliseconds until the fullest counter resets.
const CONSUME = `
local wait = 0
for i, key in ipairs(KEYS) do
  local used = tonumber(redis.call('GET', key) or '0')
  if used >= tonumber(ARGV[2 * i - 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = tonumber(ARGV[2 * i]) end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[2 * i]) end
end
return 0
`;

export interface RateCheck {
  rule: RateRule;
  /** Whose budget: a user id or an IP hash. */
  subject: string;
}

type ConsumingRedis = Redis & {
  qaRateConsume(numKeys: number, ...keysAndArgs: string[]): Promise<number>;
};

export class RateLimiter {
  private readonly redis: ConsumingRedis;

  constructor(
    redis: Redis,
    /** Namespaces the keys, e.g. per deployment or per test run. */
    private readonly prefix = 'qa:rate',
    private readonly now: () => number = Date.now,
  ) {
    // A defined command is sent by its SHA (EVALSHA), not as the whole script every time.
    if (!('qaRateConsume' in redis)) redis.defineCommand('qaRateConsume', { lua: CONSUME });
    this.redis = redis as ConsumingRedis;
  }

  /** Counts one request against every check, or throws RateLimitedError counting nothing. */
  async consume(checks: RateCheck[]): Promise<void> {
    if (checks.length === 0) return;
    const now = this.now();
    const keys: string[] = [];
    const args: string[] = [];
    for (const { rule, subject } of checks) {
      const windowMs = rule.windowSeconds * 1000;
      const window = Math.floor(now / windowMs);
      keys.push(`${this.prefix}:${rule.name}:${subject}:${window}`);
      args.push(String(rule.limit), String(windowMs - (now % windowMs)));
    }
    let waitMs: number;
    try {
      waitMs = Number(await this.redis.qaRateConsume(keys.length, ...keys, ...args));
    } catch (cause) {
      // Without the counters the limits cannot be enforced: refuse (503) rather than let through.
      throw Object.assign(
        new DomainError(
          'unavailable',
          'RATE_LIMITER_UNAVAILABLE',
          'Rate limits cannot be checked right now; try again shortly.',
        ),
        { cause },
      );
    }
    if (waitMs > 0) throw new RateLimitedError(Math.max(1, Math.ceil(waitMs / 1000)));
  }
}
