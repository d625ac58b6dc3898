/**
 * DATA_DIR/endpoints.json (EMBEDDED.md): while `npm start` runs embedded servers it records
 * their URLs here, so tools started in another terminal with the same DATA_DIR (replay,
 * audit, an app's own entry point) reach the same servers instead of starting their own.
 */
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from './config.schema';

export interface Endpoints {
  /** The launcher's process id; the file is ignored once that process is gone. */
  pid: number;
  eventStoreUrl?: string;
  mongoUrl?: string;
  smtpUrl?: string;
  mailboxDir?: string;
  apiUrl?: string;
}

export const endpointsFile = (dataDir: string) => path.join(dataDir, 'endpoints.json');

export async function writeEndpoints(dataDir: string, endpoints: Endpoints): Promise<void> {
  const file = endpointsFile(dataDir);
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(`${file}.tmp`, JSON.stringify(endpoints, null, 2) + '\n');
  await fs.rename(`${file}.tmp`, file);
}

export async function removeEndpoints(dataDir: string, pid: number): Promise<void> {
  const current = readEndpoints(dataDir);
  if (current && current.pid === pid) await fs.rm(endpointsFile(dataDir), { force: true });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The endpoints of a launcher that is still running with this DATA_DIR, or null. */
export function readEndpoints(dataDir: string): Endpoints | null {
  try {
    const e = JSON.parse(readFileSync(endpointsFile(dataDir), 'utf8')) as Endpoints;
    return typeof e.pid === 'number' && alive(e.pid) ? e : null;
  } catch {
    return null;
  }
}

/**
 * The event store and MongoDB URLs a command-line tool (replay, audit) uses: the configured
 * ones, else those of a launcher running with the same DATA_DIR.
 */
export function resolveDataUrls(config: Config): { eventStoreUrl: string; mongoUrl: string } {
  const endpoints = readEndpoints(config.dataDir);
  const need = (variable: string, url: string | undefined) => {
    if (!url)
      throw new ConfigError(
        variable,
        'must be set, or `npm start` must be running with the same DATA_DIR',
      );
    return url;
  };
  return {
    eventStoreUrl: need('EVENTSTORE_URL', config.eventStoreUrl ?? endpoints?.eventStoreUrl),
    mongoUrl: need('MONGODB_URL', config.mongoUrl ?? endpoints?.mongoUrl),
  };
}
