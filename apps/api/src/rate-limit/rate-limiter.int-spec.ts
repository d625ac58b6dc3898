import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimitedError, RateLimiter } from './rate-limiter';

describe('RateLimiter (real Redis)', () => {
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  const prefix = `test:rate:${randomUUID()}`;

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const rule = (name: string, limit: number) => ({ name, limit, windowSeconds: 3600 });

  it('lets the limit through, then refuses with a Retry-After inside the window', async () => {
    const limiter = new RateLimiter(redis, prefix);
    const votes = rule('v', 3);
    for (let i = 0; i < 3; i++) await limiter.consume([{ rule: votes, subject: 'alice' }]);
    const refused = await limiter
      .consume([{ rule: votes, subject: 'alice' }])
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).code).toBe('RATE_LIMITED');
    expect((refused as RateLimitedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((refused as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(3600);
    await expect(limiter.consume([{ rule: votes, subject: 'bob' }])).resolves.toBeUndefined();
  });

  it('counts nothing when one of several counters is full', async () => {
    const limiter = new RateLimiter(redis, prefix);
    const perUser = rule('u', 2);
    const perIp = rule('ip', 3);
    await limiter.consume([
      { rule: perUser, subject: 'carol' },
      { rule: perIp, subject: 'ip1' },
    ]);
    await limiter.consume([
      { rule: perUser, subject: 'carol' },
      { rule: perIp, subject: 'ip1' },
    ]);
    await expect(
      limiter.consume([
        { rule: perUser, subject: 'carol' },
        { rule: perIp, subject: 'ip1' },
      ]),
    ).rejects.toBeInstanceOf(RateLimitedError);
    // Carol's refused request did not use the IP's budget: one more user from that IP fits.
    await limiter.consume([
      { rule: perUser, subject: 'dave' },
      { rule: perIp, subject: 'ip1' },
    ]);
    await expect(
      limiter.consume([
        { rule: perUser, subject: 'erin' },
        { rule: perIp, subject: 'ip1' },
      ]),
    ).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('starts afresh in the next window', async () => {
    let now = 7_200_000;
    const limiter = new RateLimiter(redis, prefix, () => now);
    const hourly = rule('w', 1);
    await limiter.consume([{ rule: hourly, subject: 'frank' }]);
    await expect(limiter.consume([{ rule: hourly, subject: 'frank' }])).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    now += 3_600_000;
    await expect(limiter.consume([{ rule: hourly, subject: 'frank' }])).resolves.toBeUndefined();
  });
});
