/**
 * `npm start`, the all-in-one launcher: embedded servers for every unset URL (EventStoreDB
 * and MongoDB each on a worker thread of its own), Redis made to answer, then the API (this thread) and the
 * projector and worker (a worker thread, so the API keeps a core of its own). SIGINT/SIGTERM
 * shut everything down in order: stop taking HTTP requests and finish those in flight, stop
 * the projector and worker, close the embedded servers, stop the Redis this launcher started.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  ConfigError,
  loadConfig,
  loadSecrets,
  removeEndpoints,
  writeEndpoints,
  type Runtime,
} from '@qa/config';
// The one module, not @qa/embedded's index: the protocol servers load on their own threads.
import { startSmtpSink } from '../../../libs/embedded/src/smtp/smtp.sink';
import { startApi, type RunningApi } from '../../api/src/api.app';
import { startBackground, type BackgroundHandle } from './background.host';
import { EMBEDDED_SERVER_NAMES, startEmbeddedServerThread } from './embedded-server.host';
import type { EmbeddedServerThreadOptions } from './embedded-server.thread';
import { ensureRedis, LauncherError, type RedisHandle } from './redis.supervisor';

/** Everything must be down within this long after a signal (the issue asks for 10 s). */
export const SHUTDOWN_BUDGET_MS = 9_000;

export interface LauncherIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface RunningLauncher {
  api: RunningApi;
  runtime: Runtime;
  /**
   * Settles if a part fails while running (the projector/worker thread, the embedded
   * EventStoreDB thread); the launcher then stops everything.
   */
  crashed: Promise<Error>;
  stop(): Promise<void>;
}

export async function startLauncher(io: LauncherIo): Promise<RunningLauncher> {
  const config = loadConfig(io.env);
  const dataDir = path.resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const host = '127.0.0.1';

  // Started in order; stopped in reverse.
  const cleanups: Array<{ name: string; stop: () => Promise<void> }> = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) {
      const started = Date.now();
      try {
        await c.stop();
        io.out(`stopped ${c.name} (${Date.now() - started} ms)`);
      } catch (err) {
        io.err(`while stopping ${c.name}: ${(err as Error).message}`);
      }
    }
    cleanups.length = 0;
  };

  try {
    // The embedded EventStoreDB and MongoDB each run on a thread of their own (which alone
    // loads its code): the API's thread then spends nothing on the server side of appends,
    // reads and queries (bench:commands, ESDB_THREAD=1), and no server's garbage collection
    // pauses it.
    const crashes: Array<Promise<Error>> = [];
    const startEmbedded = async (options: EmbeddedServerThreadOptions): Promise<string> => {
      const name = EMBEDDED_SERVER_NAMES[options.server];
      const thread = await startEmbeddedServerThread(options);
      cleanups.push({ name, stop: () => thread.stop(SHUTDOWN_BUDGET_MS / 3) });
      crashes.push(thread.crashed);
      return thread.url;
    };
    const eventStoreUrl =
      config.eventStoreUrl ||
      (await startEmbedded({
        server: 'eventstoredb',
        port: 0,
        host,
        data: path.join(dataDir, 'eventstore.sqlite'),
      }));
    const mongoUrl =
      config.mongoUrl ||
      `${(
        await startEmbedded({
          server: 'mongodb',
          port: 0,
          host,
        })
      ).replace(/\/+$/, '')}/qa`;
    let smtpUrl = config.smtpUrl;
    let mailboxDir: string | undefined;
    if (!smtpUrl) {
      const sink = await startSmtpSink({ port: 0, host, dir: path.join(dataDir, 'mail') });
      cleanups.push({ name: 'embedded SMTP sink', stop: () => sink.close() });
      smtpUrl = sink.url;
      mailboxDir = sink.dir;
    }

    const redis: RedisHandle = await ensureRedis({
      redisUrl: config.redisUrl,
      dataDir,
      pathVariable: io.env.PATH,
      log: io.out,
    });
    if (redis.started) cleanups.push({ name: 'Redis', stop: () => redis.stop() });

    const runtime: Runtime = {
      config: { ...config, dataDir },
      eventStoreUrl,
      mongoUrl,
      redisUrl: config.redisUrl,
      smtpUrl,
      embedded: !config.eventStoreUrl || !config.mongoUrl || !config.smtpUrl,
      mailboxDir,
      secrets: await loadSecrets({ ...config, dataDir }),
    };
    // Only the embedded servers' endpoints: the configured ones are in the environment already.
    const endpoints = {
      pid: process.pid,
      eventStoreUrl: config.eventStoreUrl ? undefined : eventStoreUrl,
      mongoUrl: config.mongoUrl ? undefined : mongoUrl,
      smtpUrl: config.smtpUrl ? undefined : smtpUrl,
      mailboxDir,
    };
    await writeEndpoints(dataDir, endpoints);
    cleanups.push({ name: 'endpoints.json', stop: () => removeEndpoints(dataDir, process.pid) });

    const background: BackgroundHandle = await startBackground(runtime);
    crashes.push(background.crashed);
    cleanups.push({
      name: 'projector and worker',
      stop: () => background.stop(SHUTDOWN_BUDGET_MS / 2),
    });

    const api = await startApi(runtime);
    cleanups.push({ name: 'api', stop: () => api.stop() });
    await writeEndpoints(dataDir, { ...endpoints, apiUrl: api.url });

    const lines = [
      '',
      `  ${config.siteTitle} is running`,
      `  API        ${api.url}/api/v1`,
      `  Docs       ${api.url}/docs`,
      ...(mailboxDir ? [`  Mailbox    ${api.url}/dev/mail`] : []),
      `  Health     ${api.url}/health/ready`,
      `  Data       ${dataDir}`,
      `  EventStore ${eventStoreUrl}${config.eventStoreUrl ? '' : ' (embedded)'}`,
      `  MongoDB    ${mongoUrl}${config.mongoUrl ? '' : ' (embedded)'}`,
      `  Redis      ${config.redisUrl}${redis.started ? ' (started by npm start)' : ''}`,
      `  SMTP       ${smtpUrl}${mailboxDir ? ' (embedded sink)' : ''}`,
      '',
      '  Press Ctrl-C to stop.',
      '',
      `ready: ${api.url}`,
    ];
    for (const line of lines) io.out(line);

    let stopping: Promise<void> | undefined;
    return {
      api,
      runtime,
      crashed: Promise.race(crashes),
      stop: () => (stopping ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Runs until SIGINT/SIGTERM; resolves to the process exit code. */
export async function runLauncher(io: LauncherIo): Promise<number> {
  let launcher: RunningLauncher;
  const early: NodeJS.Signals[] = [];
  const onEarlySignal = (s: NodeJS.Signals) => early.push(s);
  process.on('SIGINT', onEarlySignal);
  process.on('SIGTERM', onEarlySignal);
  try {
    launcher = await startLauncher(io);
  } catch (err) {
    process.off('SIGINT', onEarlySignal);
    process.off('SIGTERM', onEarlySignal);
    if (err instanceof ConfigError || err instanceof LauncherError) {
      io.err(err.message);
      return 1;
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.err(`${(err as Error).message}: another program uses that port; set PORT to a free one.`);
      return 1;
    }
    throw err;
  }
  process.off('SIGINT', onEarlySignal);
  process.off('SIGTERM', onEarlySignal);

  type Reason = { signal: NodeJS.Signals } | { error: Error };
  const reason: Reason = early[0]
    ? { signal: early[0] }
    : await Promise.race([
        new Promise<Reason>((resolve) => {
          const onSignal = (signal: NodeJS.Signals) => resolve({ signal });
          process.once('SIGINT', onSignal);
          process.once('SIGTERM', onSignal);
        }),
        launcher.crashed.then((error): Reason => ({ error })),
      ]);
  // A second Ctrl-C while stopping is ignored: the budget below bounds the wait anyway.
  const ignore = () => io.out('still stopping...');
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  if ('error' in reason) {
    const { error } = reason;
    io.err(`A part failed, stopping everything: ${error.stack ?? error.message}`);
  } else {
    io.out(`${reason.signal}: stopping`);
  }
  const budget = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), SHUTDOWN_BUDGET_MS).unref(),
  );
  const outcome = await Promise.race([launcher.stop().then(() => 'stopped' as const), budget]);
  if (outcome === 'timeout') {
    io.err(`did not stop within ${SHUTDOWN_BUDGET_MS / 1000} s`);
    return 1;
  }
  io.out('stopped');
  return 'error' in reason ? 1 : 0;
}
