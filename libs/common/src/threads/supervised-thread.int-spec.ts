/** The supervised-thread protocol with a real worker thread (testing/sample.thread.ts). */
import path from 'node:path';
import { startSupervisedThread } from './supervised-thread';

const sample = path.join(__dirname, 'testing/sample.thread');

describe('supervised threads', () => {
  it('hands over what the thread is ready with, and stops it', async () => {
    const thread = await startSupervisedThread<string>(sample, 'sample', {});
    expect(thread.ready).toBe('hello');
    await thread.stop(5_000);
  });

  it('rejects with the thread error when it fails to start', async () => {
    await expect(
      startSupervisedThread(sample, 'sample', { failStart: true }),
    ).rejects.toMatchObject({
      message: 'port taken',
      code: 'EADDRINUSE',
    });
  });

  it('reports a thread that dies while running through crashed', async () => {
    const thread = await startSupervisedThread(sample, 'sample', {});
    thread.post({ type: 'die' });
    const error = await thread.crashed;
    expect(error.message).toBe('the sample thread exited with code 3');
    await thread.stop(5_000);
  });
});
