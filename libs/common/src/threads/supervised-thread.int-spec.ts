/** The supervised-thread protocol with a real worker thread (testing/sample.thread.ts). */
import path from 'node:path';
import { LARGE_HEAP_THREAD_LIMITS } from '@qa/event-store';
import { startSupervisedThread } from './supervised-thread';

const sample = path.join(__dirname, 'testing/sample.thread');

describe('supervised threads', () => {
  it('hands over what the thread is ready with, and stops it', async () => {
    const thread = await startSupervisedThread<string>(sample, 'sample', {});
    expect(thread.ready).toBe('hello');
    await thread.stop(5_000);
  });

  it('starts the thread with the heap limits it is given', async () => {
    const thread = await startSupervisedThread<string>(
      sample,
      'sample',
      { tellLimits: true },
      LARGE_HEAP_THREAD_LIMITS,
    );
    expect(thread.ready).toBe('young generation 192 MB');
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
