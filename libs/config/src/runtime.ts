/**
 * What a running app is handed: the validated config with every URL resolved (an embedded
 * server's URL when the variable was unset) and the secrets it needs.
 */
import type { Config } from './config.schema';

export interface Runtime {
  config: Config;
  eventStoreUrl: string;
  mongoUrl: string;
  redisUrl: string;
  smtpUrl: string;
  /** True when the URLs point at this project's embedded servers (enables /dev/mail). */
  embedded: boolean;
  /**
   * The embedded SMTP sink's folder when it is the one in use: the API then serves it at
   * /dev/mail. Unset with a real SMTP server.
   */
  mailboxDir?: string;
  secrets: {
    /** Signs bearer tokens. */
    jwtSecret: string;
    /** Keys the hashes of IPs and emails (reservation keys); never leaves the process. */
    hashKey: string;
    /** Signs unsubscribe tokens. */
    unsubscribeSecret: string;
  };
}

/** Every app's start function resolves to one of these; stop() shuts it down in order. */
export interface RunningApp {
  name: string;
  stop(): Promise<void>;
}
