/**
 * The audit command line on the embedded servers over a hand-built history: the points
 * explained, the page as of a time, verify's report and exit codes, usage errors; and the
 * real entry point run as its own process.
 */
import type { ProjectedEvent } from '@qa/read-models';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { EventFactory, userAuthor } from '../../../libs/read-models/src/testing/events.fixture';
import {
  startAuditHarness,
  type AuditHarness,
} from '../../../libs/audit/src/testing/audit.harness';
import { auditCliRunner } from './testing/audit-cli.runner';

jest.setTimeout(60_000);

describe('audit command line', () => {
  let h: AuditHarness;
  const f = new EventFactory();
  const at: Record<string, string> = {};
  const mark = (name: string, e: ProjectedEvent) => {
    at[name] = (e.data as { at: string }).at;
    return e;
  };

  const cli = auditCliRunner(() => ({
    eventStore: h.store,
    db: h.db,
    hashKey: async () => 'test-hash-key',
  }));

  beforeAll(async () => {
    h = await startAuditHarness();
    const ann = userAuthor('ann', 'Ann');
    const bob = userAuthor('bob', 'Bob');
    const a1 = { id: 'a1', type: 'answer' as const, questionId: 'q1', authorId: 'bob' };
    await h.append([
      f.user('ann', 'Ann'),
      f.user('bob', 'Bob'),
      f.user('cy', 'Cy'),
      mark('asked', f.ask('q1', ann, { title: 'Why does my bread not rise?' })),
      mark('answered', f.answer('a1', 'q1', bob, 'ann')),
      mark('upvoted', f.vote(a1, 'ann', 1)),
      f.vote(a1, 'cy', 1),
      mark('selected', f.select('q1', 'ann', 'a1', 'bob')),
    ]);
    await h.project();
  });

  afterAll(async () => {
    await h?.close();
  });

  it("explains a user's points event by event, now and as of a time", async () => {
    const now = await cli('user', 'bob');
    expect(now.code).toBe(0);
    const lines = now.out.split('\n');
    expect(lines[0]).toBe('Bob (bob): points explained event by event');
    expect(lines.slice(1, -1).map((l) => l.replace(/\s+/g, ' ').split(' ').slice(1, 5))).toEqual([
      ['+100', '=', '100', 'registered'],
      ['+40', '=', '140', 'answer_posted'],
      ['+20', '=', '160', 'answer_upvoted'],
      ['+20', '=', '180', 'answer_upvoted'],
      ['+300', '=', '480', 'answer_selected'],
    ]);
    expect(lines.at(-1)).toBe('points: 480');
    expect(await (await h.project()).collection('users').findOne({ _id: 'bob' })).toMatchObject({
      points: 480,
    });

    const then = await cli('user', 'bob', '--as-of', at.upvoted);
    expect(then.out.split('\n').at(-1)).toBe(`points as of ${at.upvoted}: 160 (now: 480)`);
    expect(JSON.parse((await cli('user', 'bob', '--json')).out)).toMatchObject({
      userId: 'bob',
      points: 480,
      currentPoints: 480,
    });
    expect(await cli('user', 'nobody')).toMatchObject({
      code: 1,
      err: 'audit: there is no user nobody',
    });
  });

  it('prints the question page as it stood at a time', async () => {
    const before = JSON.parse((await cli('question', 'q1', '--as-of', at.upvoted)).out);
    expect(before).toMatchObject({
      id: 'q1',
      title: 'Why does my bread not rise?',
      selectedAnswerId: null,
    });
    expect(before.answers[0]).toMatchObject({
      id: 'a1',
      votes: { up: 1, down: 0, net: 1 },
      author: { username: 'Bob', points: 480 },
    });
    const after = JSON.parse((await cli('question', 'q1', '--as-of', at.selected)).out);
    expect(after).toMatchObject({ selectedAnswerId: 'a1' });
    expect(after.answers[0]).toMatchObject({ votes: { up: 2, net: 2 }, selected: true });
    expect(await cli('question', 'q1', '--as-of', '2001-01-01')).toMatchObject({ code: 1 });
  });

  it('reports each difference verify finds and exits 1, and 0 once the read models agree again', async () => {
    const store = await h.project();
    await store
      .collection('questions')
      .updateOne({ _id: 'q1' }, { $set: { title: 'Forged title' } });
    const bad = await cli('verify');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(
      'DIFF questions/q1: title differ; live {"title":"Forged title"}, replay {"title":"Why does my bread not rise?"}',
    );
    expect(bad.out).toMatch(
      /verify: 1 difference\(s\) - 8 events replayed, \d+ documents compared/,
    );
    await store
      .collection('questions')
      .updateOne({ _id: 'q1' }, { $set: { title: 'Why does my bread not rise?' } });
    const good = await cli('verify');
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/^verify: OK - 8 events replayed/);
  });

  it('answers usage errors with exit code 2 and the usage', async () => {
    const bad = await cli('rewind');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('audit: unknown command rewind');
    expect(bad.err).toContain('Usage: npm run audit -- <command>');
    expect((await cli('deliveries', 'q1')).out).toBe('0 notification email(s) for question q1');
  });

  it('runs as its own process against the configured servers', async () => {
    const root = path.resolve(__dirname, '../../..');
    const run = await promisify(execFile)(
      process.execPath,
      ['-r', './scripts/register.js', 'apps/audit/src/main.ts', 'verify'],
      {
        cwd: root,
        env: {
          ...process.env,
          EVENTSTORE_URL: h.esdb.url,
          MONGODB_URL: `${h.mongoUrl.replace(/\/?$/, '')}/qa`,
          LOG_LEVEL: 'silent',
        },
      },
    );
    expect(run.stdout).toMatch(/^verify: OK - 8 events replayed/);
  });
});
