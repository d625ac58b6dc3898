import type { Job } from 'bullmq';
import type { Sealed } from '@qa/domain';
import type { Delivery } from '../deliveries/deliveries.store';
import type { NotificationEmailJob } from '../jobs/notification.jobs';
import type { OutgoingEmail } from '../mail/mailer.port';
import { createEmailProcessor } from './notification-email.processor';
import type { SealedOpener } from './notification-email.processor';

/** A vault over a set of erased subjects, counting the reads that bypass its key cache. */
class CountingVault implements SealedOpener {
  readonly erased = new Set<string>();
  freshReads = 0;
  async open(sealed: Sealed, options: { fresh?: boolean } = {}): Promise<string | null> {
    if (options.fresh) this.freshReads++;
    return this.erased.has(sealed.subject) ? null : `${sealed.data}@example.com`;
  }
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function job(eventId: string, subject: string): Job<NotificationEmailJob> {
  const data: NotificationEmailJob = {
    eventId,
    eventType: 'AnswerPosted',
    questionId: 'q1',
    reason: 'answer-on-your-question',
    recipient: { email: { subject, data: 'jane' } as Sealed, hash: 'ab'.repeat(32) },
    content: { questionTitle: 'A question', actorName: 'Joe', text: 'An answer', path: '/q/q1' },
  };
  return { id: eventId, data, attemptsMade: 0, opts: { attempts: 3 } } as Job<NotificationEmailJob>;
}

describe('createEmailProcessor', () => {
  let vault: CountingVault;
  let sent: OutgoingEmail[];
  let recorded: Delivery[];
  let process: ReturnType<typeof createEmailProcessor>;
  beforeEach(() => {
    vault = new CountingVault();
    sent = [];
    recorded = [];
    process = createEmailProcessor({
      vault,
      mailer: {
        send: async (email) => {
          sent.push(email);
          return { response: '250 ok', messageId: email.messageId };
        },
        close: async () => undefined,
      },
      deliveries: {
        wasSent: async (id) => recorded.some((d) => d._id === id && d.status === 'sent'),
        record: async (delivery) => {
          recorded.push(delivery);
        },
      },
      unsubscribes: { isUnsubscribed: async () => false },
      logger: quiet,
      siteTitle: 'Q&A',
      publicUrl: 'https://qa.example.com',
      mailFrom: 'qa@example.com',
      unsubscribeSecret: 'secret',
    });
  });

  it('reads the key fresh for every email, so an erasure between two sends stops the second', async () => {
    expect(await process(job('e1', 'u1'))).toBe('sent');
    vault.erased.add('u1');
    expect(await process(job('e2', 'u1'))).toBe('erased');
    expect(vault.freshReads).toBe(2);
    expect(sent.map((e) => e.to)).toEqual(['jane@example.com']);
    expect(recorded.map((d) => d.status)).toEqual(['sent', 'skipped']);
  });
});
