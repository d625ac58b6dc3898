import { checkRedisEvictionPolicy } from './redis-policy.check';

/** Records what would be logged. */
function recordingLogger() {
  const warnings: Array<{ obj: object; msg?: string }> = [];
  return {
    warnings,
    logger: {
      debug: () => undefined,
      info: () => undefined,
      error: () => undefined,
      warn: (obj: object, msg?: string) => warnings.push({ obj, msg }),
    },
  };
}

const redisWithPolicy = (policy: string) => ({
  config: async (_sub: 'GET', parameter: string) => [parameter, policy],
});

describe('checkRedisEvictionPolicy', () => {
  it('is quiet when Redis never evicts', async () => {
    const { logger, warnings } = recordingLogger();
    expect(await checkRedisEvictionPolicy(redisWithPolicy('noeviction'), logger)).toBe(
      'noeviction',
    );
    expect(warnings).toEqual([]);
  });

  it('warns when Redis may evict queued jobs', async () => {
    const { logger, warnings } = recordingLogger();
    expect(await checkRedisEvictionPolicy(redisWithPolicy('allkeys-lru'), logger)).toBe(
      'allkeys-lru',
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0].obj).toEqual({ maxmemoryPolicy: 'allkeys-lru' });
    expect(warnings[0].msg).toMatch(/not noeviction/);
  });

  it('warns when the policy cannot be read', async () => {
    const { logger, warnings } = recordingLogger();
    const denied = { config: async () => Promise.reject(new Error('unknown command CONFIG')) };
    expect(await checkRedisEvictionPolicy(denied, logger)).toBeNull();
    expect(warnings[0].msg).toMatch(/must be noeviction/);
  });
});
