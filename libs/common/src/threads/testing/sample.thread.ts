/** A thread for supervised-thread's specs: says hello, fails to start or dies when told. */
import { workerData } from 'node:worker_threads';
import { serveThread } from '../supervised-thread';

const { failStart } = workerData as { failStart?: boolean };

serveThread(
  async () => {
    if (failStart) throw Object.assign(new Error('port taken'), { code: 'EADDRINUSE' });
    return { greeting: 'hello', stop: () => Promise.resolve() };
  },
  {
    readyValue: (part) => part.greeting,
    onMessage: (message) => {
      if (message.type === 'die') process.exit(3);
    },
  },
);
