/**
 * A thread for supervised-thread's specs: says hello (or, asked to, how large its young
 * generation may grow), fails to start or dies when told.
 */
import { resourceLimits, workerData } from 'node:worker_threads';
import { serveThread } from '../supervised-thread';

const { failStart, tellLimits } = workerData as { failStart?: boolean; tellLimits?: boolean };

serveThread(
  async () => {
    if (failStart) throw Object.assign(new Error('port taken'), { code: 'EADDRINUSE' });
    const greeting = tellLimits
      ? `young generation ${resourceLimits.maxYoungGenerationSizeMb} MB`
      : 'hello';
    return { greeting, stop: () => Promise.resolve() };
  },
  {
    readyValue: (part) => part.greeting,
    onMessage: (message) => {
      if (message.type === 'die') process.exit(3);
    },
  },
);
