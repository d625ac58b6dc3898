/**
 * Erasure end to end, before and after, through every surface an address could leak from:
 * the emails the worker sends, the deliveries log and its report, the read models, the
 * export, and a full replay (`verify`). Real worker, Redis, SMTP listener and the embedded
 * servers; erasure and reports through the audit command line.
 */
import { PersonalDataVault } from '@qa/common';
import type { UserRegistered } from '@qa/domain';
import { QuestionStreamsIndexer, QuestionStreamsStore, QuestionTimeTravel } from '@qa/audit';
import { questionPage, WRITE_ORDER, type ReadModelStore } from '@qa/read-models';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LiveReadModels } from '../../../libs/audit/src/testing/audit.harness';
import { startHarness, type Harness } from '../../worker/src/testing/notification.harness';
import { settle } from '../../worker/src/testing/settle';
import type { RunningWorker } from '../../worker/src/worker.app';
import { auditCliRunner } from './testing/audit-cli.runner';

jest.setTimeout(60_000);

describe('erasure through every surface', () => {
  let h: Harness;
  let worker: RunningWorker;
  let live: LiveReadModels;
  let dir: string;
  let ann: { userId: string; username: string };
  let bob: { userId: string; username: string };
  let question: Awaited<ReturnType<Harness['fixture']['askQuestion']>>;

  // Deps are read per call: the harness starts in beforeAll.
  const cli = auditCliRunner(() => ({
    eventStore: h.store,
    db: h.db,
    hashKey: async () => h.runtime.secrets.hashKey,
  }));
  const mailTo = (address: string) => h.smtp.received.filter((m) => m.to === address);
  const addresses = ['ann@example.com', 'cy@example.com'];
  /** Every document of every read model, as one text. */
  const readModelText = async (store: ReadModelStore) =>
    JSON.stringify(
      await Promise.all(WRITE_ORDER.map((c) => store.collection(c).find({}).toArray())),
    );
  const exported = async (name: string) => {
    const file = path.join(dir, name);
    const result = await cli('export', '--out', file);
    expect(result.code).toBe(0);
    return readFileSync(file, 'utf8');
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'qa-audit-'));
    h = await startHarness();
    worker = await h.startWorker();
    live = new LiveReadModels(h.store, h.db);
    ann = await h.fixture.registerUser('ann', 'ann@example.com');
    bob = await h.fixture.registerUser('bob', 'bob@example.com');
    question = await h.fixture.askQuestion({ user: ann });
    await h.fixture.comment(
      question.id,
      { type: 'question', id: question.id, author: question.author },
      { anonymous: { name: 'Cy', email: 'cy@example.com' } },
    );
    const answer = await h.fixture.postAnswer(question, { user: bob });
    const comment = await h.fixture.comment(
      question.id,
      { type: 'question', id: question.id, author: question.author },
      { user: bob },
    );
    await settle(worker, comment.result.position);
    expect(answer).toBeDefined();
  });

  afterAll(async () => {
    await worker?.stop();
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('before: the people are emailed, and no surface but the emails shows an address', async () => {
    // Ann: the answer and both comments on her question; Cy: the comment after hers
    expect(mailTo('ann@example.com')).toHaveLength(3);
    expect(mailTo('cy@example.com')).toHaveLength(1);
    const report = await cli('deliveries', question.id);
    expect(report.out).toMatch(/sent\s+a\*\*\*@e\*\*\*\.com/);
    expect(report.out).toContain('4 notification email(s)');
    const history = await exported('before.jsonl');
    expect(history.split('\n').filter(Boolean).length).toBeGreaterThan(5);
    for (const address of addresses) {
      expect(history).not.toContain(address);
      expect(await readModelText(await live.project())).not.toContain(address);
    }
    expect(history).not.toContain('subjectkey-');
    expect((await cli('verify')).code).toBe(0);
  });

  it('after: nothing can reveal the addresses, no email goes out, and pages and replays are unchanged', async () => {
    const store = await live.project();
    const pageBefore = await questionPage(store, question.id);
    const [registered] = await h.store.readStream(`user-${ann.userId}`);
    const sealed = (registered.data as UserRegistered['data']).email;

    const byName = await cli('erase', 'ann');
    expect(byName).toMatchObject({ code: 0 });
    expect(byName.out).toContain(`user ${ann.userId}`);
    const byEmail = await cli('erase', 'cy@example.com');
    expect(byEmail.code).toBe(0);
    expect(byEmail.out).toContain('no registered user');
    expect((await cli('erase', 'nobody')).code).toBe(1);

    // the key is gone for every process, including ones that never cached it
    expect(
      await new PersonalDataVault(h.store, { hashKey: h.runtime.secrets.hashKey }).open(sealed),
    ).toBeNull();
    expect((await h.store.readStream(`user-${ann.userId}`)).at(-1)!.type).toBe(
      'UserPersonalDataErased',
    );

    // new activity: Ann and Cy would have been emailed
    const sent = h.smtp.received.length;
    const later = await h.fixture.comment(
      question.id,
      { type: 'question', id: question.id, author: question.author },
      { user: bob },
      'One more thing.',
    );
    await settle(worker, later.result.position);
    expect(h.smtp.received.slice(sent).map((m) => m.to)).toEqual([]);
    expect(mailTo('ann@example.com')).toHaveLength(3);

    const report = await cli('deliveries', question.id);
    expect(report.out).not.toMatch(/[a-z]\*\*\*@/);
    expect(report.out).toMatch(/skipped\s+\[erased\]/);

    const history = await exported('after.jsonl');
    const after = await live.project();
    for (const address of addresses) {
      expect(history).not.toContain(address);
      expect(await readModelText(after)).not.toContain(address);
    }
    expect(await after.collection('users').findOne({ _id: ann.userId })).toMatchObject({
      username: 'ann',
      erased: true,
    });

    // the page is intact, now and as of any time, and a full replay agrees with the read models
    const pageAfter = await questionPage(after, question.id);
    expect(pageAfter!.comments.slice(0, 2)).toEqual(pageBefore!.comments.slice(0, 2));
    expect(pageAfter!.answers).toEqual(pageBefore!.answers);
    const index = new QuestionStreamsStore(h.db);
    const indexer = new QuestionStreamsIndexer(h.store, index);
    expect(await indexer.catchUp(10_000)).toBe(true);
    await indexer.stop();
    expect(
      await new QuestionTimeTravel(h.store, index).pageAt(
        question.id,
        new Date().toISOString(),
        after,
      ),
    ).toEqual(pageAfter);
    const verify = await cli('verify');
    expect(verify.out).toContain('verify: OK');
    expect(verify.code).toBe(0);
  });
});
