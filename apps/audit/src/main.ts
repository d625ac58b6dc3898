/**
 * `npm run audit -- <command>`: see audit.args.ts for the commands. It reaches the servers
 * of a running `npm start` through DATA_DIR/endpoints.json, or the configured EVENTSTORE_URL
 * and MONGODB_URL.
 */
import { mongoDbName } from '@qa/common';
import { ConfigError, loadConfig, loadSecrets, readEndpoints } from '@qa/config';
import { EventStoreDbAdapter } from '@qa/event-store';
import { MongoClient } from 'mongodb';
import { runAuditCli, type AuditDeps } from './audit.cli';

async function main(): Promise<number> {
  let close = async () => {};
  const deps = async (): Promise<AuditDeps> => {
    const config = loadConfig();
    const endpoints = readEndpoints(config.dataDir);
    const eventStoreUrl = config.eventStoreUrl ?? endpoints?.eventStoreUrl;
    const mongoUrl = config.mongoUrl ?? endpoints?.mongoUrl;
    if (!eventStoreUrl)
      throw new ConfigError(
        'EVENTSTORE_URL',
        'must be set, or `npm start` must be running with the same DATA_DIR',
      );
    if (!mongoUrl)
      throw new ConfigError(
        'MONGODB_URL',
        'must be set, or `npm start` must be running with the same DATA_DIR',
      );
    const mongo = await new MongoClient(mongoUrl).connect();
    const eventStore = new EventStoreDbAdapter(eventStoreUrl);
    close = async () => {
      await eventStore.close();
      await mongo.close();
    };
    const name = mongoDbName(mongoUrl);
    return {
      eventStore,
      db: mongo.db(name),
      scratchDb: mongo.db(`${name}_audit`),
      hashKey: async () => (await loadSecrets(config)).hashKey,
    };
  };
  try {
    return await runAuditCli(process.argv.slice(2), deps, {
      out: (line) => process.stdout.write(line + '\n'),
      err: (line) => process.stderr.write(line + '\n'),
    });
  } finally {
    await close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(
      error instanceof ConfigError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error),
    );
    process.exitCode = 1;
  },
);
