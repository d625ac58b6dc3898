/**
 * How one app runs on its own (`node dist/apps/<app>/main.js`, one container each): every
 * server URL comes from the environment, or from a running launcher's endpoints.json with
 * the same DATA_DIR. Nothing embedded is started here. SIGINT/SIGTERM stop it in order.
 */
import { ConfigError, loadConfig, type Config } from './config.schema';
import { readEndpoints } from './endpoints';
import type { RunningApp, Runtime } from './runtime';
import { loadSecrets } from './secrets';

export async function resolveStandaloneRuntime(config: Config, app: string): Promise<Runtime> {
  const endpoints = readEndpoints(config.dataDir);
  const need = (variable: string, value: string | undefined, fallback: string | undefined) => {
    const url = value ?? fallback;
    if (!url) {
      throw new ConfigError(
        variable,
        `must be set to run the ${app} on its own (or run \`npm start\`, which starts embedded servers)`,
      );
    }
    return url;
  };
  const eventStoreUrl = need('EVENTSTORE_URL', config.eventStoreUrl, endpoints?.eventStoreUrl);
  const mongoUrl = need('MONGODB_URL', config.mongoUrl, endpoints?.mongoUrl);
  const smtpUrl = need('SMTP_URL', config.smtpUrl, endpoints?.smtpUrl);
  const usesEmbeddedSmtp = !config.smtpUrl && endpoints?.mailboxDir !== undefined;
  return {
    config,
    eventStoreUrl,
    mongoUrl,
    redisUrl: config.redisUrl,
    smtpUrl,
    embedded: !config.eventStoreUrl || !config.mongoUrl || !config.smtpUrl,
    mailboxDir: usesEmbeddedSmtp ? endpoints?.mailboxDir : undefined,
    secrets: await loadSecrets(config),
  };
}

/** Stops within this long or exits with an error (the same budget as the launcher). */
export const SHUTDOWN_BUDGET_MS = 10_000;

export function runStandalone(
  name: string,
  start: (runtime: Runtime) => Promise<RunningApp>,
): void {
  const fail = (err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  };
  let running: RunningApp | undefined;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => {
      console.error(`${name}: did not stop within ${SHUTDOWN_BUDGET_MS / 1000} s after ${signal}`);
      process.exit(1);
    }, SHUTDOWN_BUDGET_MS);
    timer.unref();
    Promise.resolve(running?.stop()).then(() => process.exit(0), fail);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  (async () => {
    const config = loadConfig();
    const runtime = await resolveStandaloneRuntime(config, name);
    running = await start(runtime);
    if (stopping) await running.stop();
  })().catch(fail);
}
