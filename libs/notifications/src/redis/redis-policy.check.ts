/**
 * BullMQ keeps jobs in Redis: a Redis that evicts keys under memory pressure silently drops
 * queued emails. Warn at start when the eviction policy is anything but `noeviction`.
 */
import type { NotificationLogger } from '../processor/notification-email.processor';

interface ConfigCapable {
  config(subcommand: 'GET', parameter: string): Promise<unknown>;
}

export async function checkRedisEvictionPolicy(
  redis: ConfigCapable,
  logger: NotificationLogger,
): Promise<string | null> {
  let policy: string | null = null;
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as unknown;
    if (Array.isArray(reply) && reply.length >= 2) policy = String(reply[1]);
  } catch (e) {
    // Managed Redis services often disable CONFIG; say so rather than guess.
    logger.warn(
      { error: (e as Error).message },
      'could not read Redis maxmemory-policy; it must be noeviction',
    );
    return null;
  }
  if (policy !== 'noeviction') {
    logger.warn(
      { maxmemoryPolicy: policy },
      'Redis maxmemory-policy is not noeviction: queued notification emails may be evicted and lost',
    );
  }
  return policy;
}
