/**
 * A Runtime for tests: port 0, silent logs, a throw-away DATA_DIR and fixed secrets. Server
 * URLs default to addresses where nothing listens, for tests that do not reach a server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Runtime } from '@qa/config';

export interface TestRuntime extends Runtime {
  /** Removes the temporary DATA_DIR. */
  cleanup(): void;
}

export function testRuntime(
  env: Record<string, string> = {},
  urls: Partial<
    Pick<Runtime, 'eventStoreUrl' | 'mongoUrl' | 'redisUrl' | 'smtpUrl' | 'mailboxDir'>
  > = {},
): TestRuntime {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qa-test-'));
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    ...env,
  });
  return {
    config,
    // Port 9 (discard) on loopback: connections are refused at once.
    eventStoreUrl: urls.eventStoreUrl ?? 'esdb://127.0.0.1:9?tls=false',
    mongoUrl: urls.mongoUrl ?? 'mongodb://127.0.0.1:9/qa?serverSelectionTimeoutMS=500',
    redisUrl: urls.redisUrl ?? config.redisUrl,
    smtpUrl: urls.smtpUrl ?? 'smtp://127.0.0.1:9',
    embedded: urls.mailboxDir !== undefined,
    mailboxDir: urls.mailboxDir,
    secrets: {
      jwtSecret: 'test-jwt-secret-test-jwt-secret-0000',
      hashKey: 'test-hash-key-test-hash-key-test-0000',
      unsubscribeSecret: 'test-unsubscribe-secret-test-000000',
    },
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
