/**
 * `npm run embedded -- eventstoredb [--port 2113] [--data FILE|:memory:] [--tls-cert F --tls-key F]`:
 * the EventStoreDB-protocol server as a standalone process. Prints one line
 * `eventstoredb listening on <url>` once ready; SIGINT/SIGTERM close it cleanly.
 */
import { CliUsageError, exitWith, parseCliOptions, untilSignal } from '../cli-support';
import { startEventStoreDbServer } from './eventstoredb.server';

export async function runEventStoreDbCli(argv: string[]): Promise<number> {
  const opts = parseCliOptions(argv, {
    port: 'number',
    host: 'string',
    data: 'string',
    'tls-cert': 'string',
    'tls-key': 'string',
  });
  const cert = opts['tls-cert'] as string | undefined;
  const key = opts['tls-key'] as string | undefined;
  if ((cert === undefined) !== (key === undefined)) {
    throw new CliUsageError('--tls-cert and --tls-key go together');
  }
  const server = await startEventStoreDbServer({
    port: (opts.port as number | undefined) ?? 2113,
    host: opts.host as string | undefined,
    data: (opts.data as string | undefined) ?? ':memory:',
    tls: cert !== undefined && key !== undefined ? { cert, key } : undefined,
  });
  console.log(`eventstoredb listening on ${server.url}`);
  await untilSignal();
  await server.close();
  return 0;
}

if (require.main === module) exitWith(runEventStoreDbCli);
