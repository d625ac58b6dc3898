import { notificationJobId } from './notification.jobs';
import { notificationJobOptions } from './notification.queue';

describe('notification jobs', () => {
  it('derive their id from the event and the recipient, without a colon (BullMQ refuses them)', () => {
    const hash = 'ab'.repeat(32);
    const id = notificationJobId('9b7c1f9e-1d2a-4c1e-8f0a-0123456789ab', hash);
    expect(id).toBe(`9b7c1f9e-1d2a-4c1e-8f0a-0123456789ab.${'ab'.repeat(16)}`);
    expect(id).not.toContain(':');
    expect(notificationJobId('9b7c1f9e-1d2a-4c1e-8f0a-0123456789ab', hash)).toBe(id);
    expect(notificationJobId('9b7c1f9e-1d2a-4c1e-8f0a-0123456789ab', 'cd'.repeat(32))).not.toBe(id);
  });

  it('retry at least 5 times with exponential backoff, drop old completed jobs, keep failed ones', () => {
    expect(notificationJobOptions({})).toEqual({
      attempts: 8,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: false,
    });
    expect(notificationJobOptions({ attempts: 2, backoffMs: 50 })).toMatchObject({
      attempts: 5,
      backoff: { type: 'exponential', delay: 50 },
    });
  });
});
