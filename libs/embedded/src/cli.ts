/**
 * `npm run embedded -- <eventstoredb|mongodb|smtp> [options]`: each embedded server as a
 * standalone process (EMBEDDED.md "How they start").
 */
import { CliUsageError, exitWith } from './cli-support';
import { runSmtpCli } from './smtp/smtp.cli';

type CliMain = (argv: string[]) => Promise<number>;

/**
 * The protocol servers are loaded only when asked for, so a build without one of them still
 * runs the others.
 */
function loadServer(name: 'eventstoredb' | 'mongodb'): CliMain | null {
  try {
    if (name === 'eventstoredb') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require('./eventstoredb/main') as { runEventStoreDbCli: CliMain }).runEventStoreDbCli;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('./mongodb/main') as { runMongoDbCli: CliMain }).runMongoDbCli;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return null;
    throw err;
  }
}

const USAGE = `usage: npm run embedded -- <server> [options]
  eventstoredb [--port 2113] [--data <file>|:memory:] [--tls-cert F --tls-key F]
  mongodb      [--port 27017]
  smtp         [--port 1025] [--dir <folder>]`;

export async function runEmbeddedCli(argv: string[]): Promise<number> {
  const [server, ...rest] = argv;
  try {
    switch (server) {
      case 'smtp':
        return await runSmtpCli(rest);
      case 'eventstoredb':
      case 'mongodb': {
        const main = loadServer(server);
        if (!main) {
          console.error(`The embedded ${server} server is not available in this build.`);
          return 1;
        }
        return await main(rest);
      }
      default:
        console.error(server ? `unknown server "${server}"\n${USAGE}` : USAGE);
        return 2;
    }
  } catch (err) {
    if (err instanceof CliUsageError || (err as { name?: string }).name === 'ConfigError') {
      console.error(`${server}: ${(err as Error).message}`);
      return 2;
    }
    throw err;
  }
}

if (require.main === module) exitWith(runEmbeddedCli);
