/**
 * What the benchmarks share about the servers they measure: each server runs in its own
 * child process, so its CPU and memory can be told apart from the client's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/**
 * Runs `node <args>` in `cwd` and resolves once the server prints its
 * `... listening on <url>` line; any other first line is the reason it could not start.
 */
export async function spawnServer(args: string[], cwd: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  // However the benchmark ends, it leaves no server behind.
  process.once('exit', () => child.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => {
      const match = /listening on (\S+)/.exec(line);
      if (match) resolve(match[1]);
      else reject(new Error(line));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    child,
    url,
    stop: () =>
      new Promise((resolve) => {
        // A server that already exited would never emit 'exit' again.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

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
