/**
 * `npm run embedded -- mongodb [--port 27017]`: the MongoDB-protocol server as a standalone
 * process. Prints one line `mongodb listening on <url>` once ready; SIGINT/SIGTERM close it.
 * Data is in memory and gone when the process stops.
 */
import { exitWith, parseCliOptions, untilSignal } from '../cli-support';
import { startMongoDbServer } from './mongodb.server';

export async function runMongoDbCli(argv: string[]): Promise<number> {
  const opts = parseCliOptions(argv, { port: 'number', host: 'string' });
  const server = await startMongoDbServer({
    port: (opts.port as number | undefined) ?? 27017,
    host: opts.host as string | undefined,
  });
  console.log(`mongodb listening on ${server.url}`);
  await untilSignal();
  await server.close();
  return 0;
}

if (require.main === module) exitWith(runMongoDbCli);
