/**
 * `--cpu-prof=<file>` for a benchmark: a CPU profile of this process during one phase only
 * (via node:inspector), for Chrome DevTools or any .cpuprofile reader.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export const CPU_PROFILE_FILE = process.argv.find((a) => a.startsWith('--cpu-prof='))?.split('=')[1];

/** Runs `work`, profiling it when `--cpu-prof=<file>` was given. */
export async function profiled<T>(work: () => Promise<T>, file = CPU_PROFILE_FILE): Promise<T> {
  if (!file) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    console.log(`  CPU profile written to ${file}`);
  }
}
