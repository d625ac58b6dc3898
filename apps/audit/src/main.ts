/**
 * `npm run audit -- <command>`: see audit.args.ts for the commands. It reaches the servers
 * of a running `npm start` through DATA_DIR/endpoints.json, or the configured EVENTSTORE_URL
 * and MONGODB_URL.
 */
import { mongoDbName } from '@qa/common';
import { ConfigError, loadConfig, loadSecrets, resolveDataUrls } from '@qa/config';
import { EventStoreDbAdapter } from '@qa/event-store';
import { MongoClient } from 'mongodb';
import { runAuditCli, type AuditDeps } from './audit.cli';

async function main(): Promise<number> {
  let close = async () => {};
  const deps = async (): Promise<AuditDeps> => {
    const config = loadConfig();
    const { eventStoreUrl, mongoUrl } = resolveDataUrls(config);
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
