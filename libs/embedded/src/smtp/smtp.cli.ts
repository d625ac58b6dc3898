/**
 * `npm run embedded -- smtp [--port 1025] [--host 127.0.0.1] [--dir <folder>]`: the sink as a
 * standalone server. Prints `smtp listening on <url>` once ready; SIGINT/SIGTERM stop it.
 */
import path from 'node:path';
import { loadConfig } from '@qa/config';
import { parseCliOptions, untilSignal } from '../cli-support';
import { startSmtpSink } from './smtp.sink';

export async function runSmtpCli(argv: string[]): Promise<number> {
  const opts = parseCliOptions(argv, { port: 'number', host: 'string', dir: 'string' });
  const dir = (opts.dir as string | undefined) ?? path.join(loadConfig().dataDir, 'mail');
  const sink = await startSmtpSink({
    port: (opts.port as number | undefined) ?? 1025,
    host: opts.host as string | undefined,
    dir,
  });
  console.log(`smtp listening on ${sink.url} (messages in ${sink.dir})`);
  await untilSignal();
  await sink.close();
  return 0;
}
