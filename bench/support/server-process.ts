/**
 * What the benchmarks share about the servers they measure: each server runs in its own
 * child process (spawnServer, startEmbedded: libs/read-models/src/testing/embedded-processes),
 * so its CPU and memory can be told apart from the client's.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/**
 * CPU seconds (user + system) used so far by the process or thread whose `stat` file this is
 * (utime and stime, fields 14 and 15, in clock ticks of 10 ms).
 */
export function statCpu(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  // Fields after the command name, which may hold spaces: state is field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[14 - 3]) + Number(fields[15 - 3])) / 100;
}

/** CPU seconds (user + system) the process has used so far, from /proc. */
export function processCpu(pid: number): number {
  return statCpu(`/proc/${pid}/stat`);
}

/** Resident memory of the process, in MB, from /proc. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The machine's load averages over 1, 5 and 15 minutes, as the benchmarks print them. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}
