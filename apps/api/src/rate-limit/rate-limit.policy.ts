/**
 * The limits (DOMAIN.md, Q2A defaults), per hour:
 * - votes: 300 per user and 600 per IP (Q2A `max_rate_user_votes` / `max_rate_ip_votes`);
 * - anonymous posting of questions, answers and comments: 150 per IP, Q2A's default
 *   `max_rate_ip_qs` / `max_rate_ip_as` / `max_rate_ip_cs`, counted together here so an
 *   anonymous flood cannot switch post types to get three times the budget.
 * Registered posting is not limited here: Q2A's per-user posting limits are generous and
 * the accounts are accountable; add a rule below if that changes.
 */
import { createHash } from 'node:crypto';

export interface RateRule {
  /** Counter family, part of the Redis key. */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface RateLimitPolicy {
  votesPerUser: RateRule;
  votesPerIp: RateRule;
  anonymousPostsPerIp: RateRule;
}

export const DEFAULT_RATE_LIMITS: RateLimitPolicy = {
  votesPerUser: { name: 'vote-user', limit: 300, windowSeconds: 3600 },
  votesPerIp: { name: 'vote-ip', limit: 600, windowSeconds: 3600 },
  anonymousPostsPerIp: { name: 'anon-post-ip', limit: 150, windowSeconds: 3600 },
};

/**
 * Counters are namespaced per deployment (by a digest of its hash key), so sites sharing one
 * Redis never share budgets.
 */
export const rateLimitPrefix = (hashKey: string): string =>
  `qa:rate:${createHash('sha256').update(hashKey).digest('hex').slice(0, 12)}`;
