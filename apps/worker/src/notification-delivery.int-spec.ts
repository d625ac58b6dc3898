/**
 * End to end: events appended to the embedded EventStoreDB -> the worker's reactor -> BullMQ
 * on the real Redis -> the processor -> a real SMTP listener, with the unsubscribe link
 * followed through the real API.
 */
import { Redis } from 'ioredis';
import { hashEmail } from '@qa/common';
import type { Delivery } from '@qa/notifications';
import { startApi } from '../../api/src/api.app';
import type { RunningApi } from '../../api/src/api.app';
import { startHarness } from './testing/notification.harness';
import type { Harness } from './testing/notification.harness';
import { settle } from './testing/settle';
import type { RunningWorker } from './worker.app';

jest.setTimeout(30_000);

describe('notification emails, end to end', () => {
  let h: Harness;
  let worker: RunningWorker;
  let api: RunningApi;

  beforeAll(async () => {
    h = await startHarness({ env: { NOTIFY_ADMIN_ON_QUESTION: 'true' } });
    worker = await h.startWorker();
    api = await startApi(h.runtime, { prettyLogs: false });
  });

  afterAll(async () => {
    await api?.stop();
    await h?.close();
  });

  /** A header's value with folding undone (long headers wrap over lines on the wire). */
  const rawHeader = (raw: string, name: string) =>
    raw
      .split(/\r?\n\r?\n/)[0]
      .replace(/\r?\n[ \t]+/g, ' ')
      .split(/\r?\n/)
      .find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
      ?.slice(name.length + 1)
      .trim();
  const unsubscribeLink = (raw: string) =>
    rawHeader(raw, 'List-Unsubscribe')?.match(/^<([^>]+)>$/)?.[1];
  const mailTo = (address: string) => h.smtp.received.filter((m) => m.to === address);
  const deliveries = () => h.db.collection<Delivery>('deliveries');
  /** The event's email was not sent because its recipient's address is erased (and not kept). */
  const expectSkippedAsErased = async (eventId: string) =>
    expect(await deliveries().findOne({ eventId })).toMatchObject({
      status: 'skipped',
      reason: 'erased',
      recipient: null,
    });

  it('emails the asker when their question is answered, with the content and headers a reader needs', async () => {
    const asker = await h.fixture.registerUser('asker1', 'Asker.One@example.com');
    const answerer = await h.fixture.registerUser('greenthumb', 'green@example.com');
    const question = await h.fixture.askQuestion(
      { user: asker },
      'Why are my tomato leaves turning yellow?',
    );
    const answer = await h.fixture.postAnswer(
      question,
      { user: answerer },
      'Most likely **nitrogen deficiency**: feed them a balanced fertiliser every two weeks.',
    );
    await settle(worker, answer.result.position);

    const [mail] = mailTo('Asker.One@example.com');
    expect(mail).toBeDefined();
    expect(mailTo('green@example.com')).toHaveLength(0);
    expect(mail.parsed.subject).toBe(
      '[Gardening Q&A] greenthumb answered your question: Why are my tomato leaves turning yellow?',
    );
    expect(mail.parsed.from?.text).toContain('noreply@qa.example');
    const link = `https://qa.example/questions/${question.id}#answer-${answer.id}`;
    expect(mail.parsed.text).toContain('nitrogen deficiency: feed them a balanced fertiliser');
    expect(mail.parsed.text).toContain(link);
    expect(mail.parsed.html).toContain(`href="${link}"`);
    expect(mail.parsed.html).toContain('Gardening Q&amp;A');

    const listUnsubscribe = unsubscribeLink(mail.raw);
    expect(listUnsubscribe).toMatch(
      /^https:\/\/qa\.example\/api\/v1\/notifications\/unsubscribe\?token=[A-Za-z0-9_-]{86}$/,
    );
    expect(mail.parsed.text).toContain(listUnsubscribe);
    expect(rawHeader(mail.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(listUnsubscribe).not.toContain('asker');

    const recipientHash = hashEmail(h.runtime.secrets.hashKey, 'asker.one@example.com');
    const logged = await deliveries().find({ eventId: answer.eventId }).toArray();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      eventType: 'AnswerPosted',
      questionId: question.id,
      recipientHash,
      recipient: 'A***@e***.com',
      status: 'sent',
      attempts: 1,
    });
    expect(logged[0].smtpResponse).toContain('250');
    expect(JSON.stringify(logged)).not.toMatch(/asker\.one@|Asker\.One@/i);
  });

  it('emails an anonymous asker who gave an email, and no anonymous asker who gave none', async () => {
    const answerer = await h.fixture.registerUser('helper2', 'helper2@example.com');
    const withEmail = await h.fixture.askQuestion({
      anonymous: { name: 'Ann', email: 'ann@example.org' },
    });
    const withoutEmail = await h.fixture.askQuestion({ anonymous: { name: 'Bob' } });
    const notTicked = await h.fixture.askQuestion({
      anonymous: { email: 'quiet@example.org' },
      notify: false,
    });
    await h.fixture.postAnswer(withoutEmail, { user: answerer });
    await h.fixture.postAnswer(notTicked, { user: answerer });
    const last = await h.fixture.postAnswer(withEmail, { user: answerer }, 'Water it less often.');
    await settle(worker, last.result.position);

    const mails = mailTo('ann@example.org');
    expect(mails).toHaveLength(1);
    expect(mails[0].parsed.text).toContain('Water it less often.');
    expect(mailTo('quiet@example.org')).toHaveLength(0);
    expect(mailTo('helper2@example.com')).toHaveLength(0);
  });

  it('stops mailing an address erased elsewhere at once, though the worker holds its key', async () => {
    const answerer = await h.fixture.registerUser('helper9', 'helper9@example.com');
    const question = await h.fixture.askQuestion({
      anonymous: { name: 'Cy', email: 'cy@example.org' },
    });
    const first = await h.fixture.postAnswer(question, { user: answerer });
    await settle(worker, first.result.position);
    // The worker has opened Cy's address once and keeps the key.
    expect(mailTo('cy@example.org')).toHaveLength(1);
    // An anonymous address is erased with no event the reactor could see.
    await h.fixture.eraseAnonymous('cy@example.org');
    const second = await h.fixture.postAnswer(question, { user: answerer });
    await settle(worker, second.result.position);
    expect(mailTo('cy@example.org')).toHaveLength(1);
    await expectSkippedAsErased(second.eventId);
  });

  it('treats an erasure as done once recorded, before the key itself is deleted', async () => {
    const answerer = await h.fixture.registerUser('helper10', 'helper10@example.com');
    const question = await h.fixture.askQuestion({ anonymous: { email: 'dee@example.org' } });
    await h.fixture.recordErasureOnly('dee@example.org');
    const answer = await h.fixture.postAnswer(question, { user: answerer });
    await settle(worker, answer.result.position);
    expect(mailTo('dee@example.org')).toHaveLength(0);
    expect(await deliveries().findOne({ eventId: answer.eventId })).toMatchObject({
      status: 'skipped',
      reason: 'erased',
    });
  });

  it('never emails the actor: an asker answering their own question gets nothing', async () => {
    const asker = await h.fixture.registerUser('selfie', 'selfie@example.com');
    const question = await h.fixture.askQuestion({ user: asker });
    const answer = await h.fixture.postAnswer(question, { user: asker });
    await settle(worker, answer.result.position);
    expect(mailTo('selfie@example.com')).toHaveLength(0);
    expect(await deliveries().countDocuments({ eventId: answer.eventId })).toBe(0);
  });

  it('emails the post author and earlier commenters once each, never the commenter', async () => {
    const asker = await h.fixture.registerUser('asker3', 'asker3@example.com');
    const answerer = await h.fixture.registerUser('answerer3', 'answerer3@example.com');
    const first = await h.fixture.registerUser('first3', 'first3@example.com');
    const quiet = await h.fixture.registerUser('quiet3', 'quiet3@example.com');
    const question = await h.fixture.askQuestion({ user: asker });
    const answer = await h.fixture.postAnswer(question, { user: answerer });
    const parent = { type: 'answer' as const, id: answer.id, author: answer.author };
    await h.fixture.comment(question.id, parent, { user: first });
    await h.fixture.comment(question.id, parent, { user: quiet, notify: false });
    // An anonymous commenter who gives the answerer's own address must not make it two emails.
    await h.fixture.comment(question.id, parent, { anonymous: { email: 'ANSWERER3@example.com' } });
    const last = await h.fixture.comment(question.id, parent, { user: first }, 'One more thing.');
    await settle(worker, last.result.position);

    const forLast = await deliveries().find({ eventId: last.eventId }).toArray();
    expect(forLast.map((d) => d.recipient).sort()).toEqual(['a***@e***.com']);
    // first3: told of the two comments after theirs by others, not of their own.
    expect(mailTo('first3@example.com')).toHaveLength(2);
    expect(mailTo('quiet3@example.com')).toHaveLength(0);
    // answerer3: one email per comment on their answer (4 comments; the anonymous one was theirs).
    expect(mailTo('answerer3@example.com')).toHaveLength(3);
    expect(mailTo('ANSWERER3@example.com')).toHaveLength(0);
  });

  it("emails the answer's author when it is selected, not when they select it themselves", async () => {
    const asker = await h.fixture.registerUser('asker4', 'asker4@example.com');
    const answerer = await h.fixture.registerUser('answerer4', 'answerer4@example.com');
    const question = await h.fixture.askQuestion({ user: asker }, 'Which soil for cacti?');
    const answer = await h.fixture.postAnswer(
      question,
      { user: answerer },
      'Gritty, fast-draining mix.',
    );
    const selected = await h.fixture.selectAnswer(question, answer, asker.userId);
    await settle(worker, selected.result.position);
    const mails = mailTo('answerer4@example.com');
    expect(mails).toHaveLength(1);
    expect(mails[0].parsed.subject).toBe(
      '[Gardening Q&A] asker4 selected your answer as the best: Which soil for cacti?',
    );
    expect(mails[0].parsed.text).toContain('Gritty, fast-draining mix.');
  });

  it('sends nothing more to an address once it unsubscribed through the one-click link', async () => {
    const asker = await h.fixture.registerUser('asker5', 'asker5@example.com');
    const answerer = await h.fixture.registerUser('answerer5', 'answerer5@example.com');
    const question = await h.fixture.askQuestion({ user: asker });
    const a1 = await h.fixture.postAnswer(question, { user: answerer });
    await settle(worker, a1.result.position);
    const [mail] = mailTo('asker5@example.com');
    const link = unsubscribeLink(mail.raw)!;

    const res = await fetch(link.replace('https://qa.example', api.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    expect(res.status).toBe(200);

    const a2 = await h.fixture.postAnswer(question, { user: answerer }, 'Second answer.');
    await settle(worker, a2.result.position);
    expect(mailTo('asker5@example.com')).toHaveLength(1);
    expect(await deliveries().findOne({ eventId: a2.eventId })).toMatchObject({
      status: 'skipped',
      reason: 'unsubscribed',
    });
  });

  it('keeps no clear address in Redis', async () => {
    const keys = await h.redisKeys();
    expect(keys.length).toBeGreaterThan(0);
    const redis = new Redis(h.runtime.redisUrl);
    try {
      for (const key of keys) {
        const type = await redis.type(key);
        const dump =
          type === 'hash'
            ? JSON.stringify(await redis.hgetall(key))
            : type === 'string'
              ? await redis.get(key)
              : '';
        expect(dump ?? '').not.toMatch(/@example\.(com|org)/i);
      }
    } finally {
      redis.disconnect();
    }
  });

  it('does not send to a person erased after the job was queued', async () => {
    const asker = await h.fixture.registerUser('asker6', 'asker6@example.com');
    const answerer = await h.fixture.registerUser('answerer6', 'answerer6@example.com');
    const question = await h.fixture.askQuestion({ user: asker });
    await worker.stop();
    const reactorOnly = await h.startWorker({ run: { processor: false } });
    const answer = await h.fixture.postAnswer(question, { user: answerer });
    await reactorOnly.subscription!.waitForPosition(answer.result.position, 10_000);
    expect(await reactorOnly.queue.queue.getWaitingCount()).toBe(1);
    await reactorOnly.stop();
    await h.fixture.erase(asker.userId);
    worker = await h.startWorker();
    await settle(worker, answer.result.position);
    expect(mailTo('asker6@example.com')).toHaveLength(0);
    await expectSkippedAsErased(answer.eventId);
  });

  it('emails the admins about a new question when the option is on, never the asking admin', async () => {
    const admin = await h.fixture.registerUser('admin7', 'admin7@example.com', 100);
    await h.fixture.registerUser('super7', 'super7@example.com', 120);
    await h.fixture.registerUser('mod7', 'mod7@example.com', 80);
    const user = await h.fixture.registerUser('user7', 'user7@example.com');
    const q1 = await h.fixture.askQuestion({ user }, 'Is neem oil safe for herbs?');
    await settle(worker, q1.result.position);
    expect(mailTo('admin7@example.com')).toHaveLength(1);
    expect(mailTo('super7@example.com')).toHaveLength(1);
    expect(mailTo('mod7@example.com')).toHaveLength(0);
    expect(mailTo('admin7@example.com')[0].parsed.subject).toBe(
      '[Gardening Q&A] user7 asked a new question: Is neem oil safe for herbs?',
    );
    const q2 = await h.fixture.askQuestion({ user: admin }, 'Admin asking about pruning roses');
    await settle(worker, q2.result.position);
    expect(mailTo('admin7@example.com')).toHaveLength(1);
    expect(mailTo('super7@example.com')).toHaveLength(2);
  });
  it('sends from a processor thread of its own, as production runs it, and stops it gracefully', async () => {
    const asker = await h.fixture.registerUser('asker8', 'asker8@example.com');
    const answerer = await h.fixture.registerUser('answerer8', 'answerer8@example.com');
    const question = await h.fixture.askQuestion({ user: asker });
    await worker.stop();
    worker = await h.startWorker({ processorThread: true });
    const answer = await h.fixture.postAnswer(question, { user: answerer });
    await settle(worker, answer.result.position, 20_000);
    expect(mailTo('asker8@example.com')).toHaveLength(1);
    expect(await deliveries().findOne({ eventId: answer.eventId })).toMatchObject({
      status: 'sent',
      recipient: 'a***@e***.com',
    });
    await worker.stop();
    expect(mailTo('asker8@example.com')).toHaveLength(1);
  });
});
