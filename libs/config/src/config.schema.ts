/**
 * The one place that reads the environment (ARCHITECTURE.md "Configuration"). Everything
 * else receives a typed, validated `Config`. A bad value fails at start with one line that
 * names the variable and says what is wrong.
 */
import { z } from 'zod';

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `must be a URL (${protocols.map((p) => `${p}://`).join(' or ')})` },
  );

const port = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  PUBLIC_URL: url(['http', 'https']).optional(),
  EVENTSTORE_URL: url(['esdb', 'esdb+discover']).optional(),
  MONGODB_URL: url(['mongodb', 'mongodb+srv']).optional(),
  REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
  SMTP_URL: url(['smtp', 'smtps']).optional(),
  MAIL_FROM: z.string().min(3, 'must be a sender address').default('Q&A <noreply@localhost>'),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  HASH_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  UNSUBSCRIBE_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SITE_TITLE: z.string().min(1, 'must not be empty').default('Q&A'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1024, 'must be at least 1024')
    .default(1024 * 1024),
  NOTIFY_ADMIN_ON_QUESTION: bool.default(false),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  env: RawConfig['NODE_ENV'];
  http: { port: number; host: string; publicUrl: string; bodyLimitBytes: number };
  /** Unset URLs mean "use the embedded server" (EMBEDDED.md). */
  eventStoreUrl: string | undefined;
  mongoUrl: string | undefined;
  redisUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  dataDir: string;
  /** Secrets set in the environment; unset ones are generated once into DATA_DIR. */
  jwtSecret: string | undefined;
  hashKey?: string;
  unsubscribeSecret?: string;
  siteTitle: string;
  logLevel: RawConfig['LOG_LEVEL'];
  notifyAdminOnQuestion: boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Validates an environment (default: this process's) into a Config, or throws ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(configSchema.shape)
      .filter((k) => env[k] !== undefined && env[k] !== '')
      .map((k) => [k, env[k]]),
  );
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue.path[0] ?? 'environment');
    const got = env[variable];
    const secret = ['JWT_SECRET', 'HASH_KEY', 'UNSUBSCRIBE_SECRET'].includes(variable);
    const shown = secret || got === undefined ? '' : ` (got "${got}")`;
    throw new ConfigError(variable, `${issue.message}${shown}`);
  }
  const r = parsed.data;
  return {
    env: r.NODE_ENV,
    http: {
      port: r.PORT,
      host: r.HOST,
      publicUrl: (r.PUBLIC_URL ?? `http://${r.HOST}:${r.PORT}`).replace(/\/+$/, ''),
      bodyLimitBytes: r.BODY_LIMIT_BYTES,
    },
    eventStoreUrl: r.EVENTSTORE_URL,
    mongoUrl: r.MONGODB_URL,
    redisUrl: r.REDIS_URL,
    smtpUrl: r.SMTP_URL,
    mailFrom: r.MAIL_FROM,
    dataDir: r.DATA_DIR,
    jwtSecret: r.JWT_SECRET,
    hashKey: r.HASH_KEY,
    unsubscribeSecret: r.UNSUBSCRIBE_SECRET,
    siteTitle: r.SITE_TITLE,
    logLevel: r.LOG_LEVEL,
    notifyAdminOnQuestion: r.NOTIFY_ADMIN_ON_QUESTION,
  };
}
