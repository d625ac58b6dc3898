/** A bad environment fails at start with one line that names the variable and the problem. */
import { ConfigError, loadConfig } from './config.schema';

function failure(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://127.0.0.1:3000',
      bodyLimitBytes: 1024 * 1024,
    });
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.eventStoreUrl).toBeUndefined();
    expect(config.mongoUrl).toBeUndefined();
    expect(config.smtpUrl).toBeUndefined();
    expect(config.dataDir).toBe('./data');
    expect(config.mailFrom).toBe('Q&A <noreply@localhost>');
    expect(config.siteTitle).toBe('Q&A');
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      PUBLIC_URL: 'https://qa.example.org/',
      EVENTSTORE_URL: 'esdb://db:2113?tls=false',
      MONGODB_URL: 'mongodb://mongo:27017/qa',
      REDIS_URL: 'redis://redis:6379',
      SMTP_URL: 'smtp://mail:1025',
      MAIL_FROM: 'Site <site@example.org>',
      DATA_DIR: '/var/lib/qa',
      JWT_SECRET: 'x'.repeat(32),
      SITE_TITLE: 'Ask the Cooks',
    });
    expect(config.http.port).toBe(8080);
    expect(config.http.publicUrl).toBe('https://qa.example.org');
    expect(config.eventStoreUrl).toBe('esdb://db:2113?tls=false');
    expect(config.mongoUrl).toBe('mongodb://mongo:27017/qa');
    expect(config.smtpUrl).toBe('smtp://mail:1025');
    expect(config.jwtSecret).toBe('x'.repeat(32));
    expect(config.siteTitle).toBe('Ask the Cooks');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT', /must be a number \(got "eighty"\)/],
    [{ PORT: '70000' }, 'PORT', /between 0 and 65535/],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL', /must be a URL \(redis:\/\/ or rediss:\/\/\)/],
    [{ MONGODB_URL: 'postgres://db/qa' }, 'MONGODB_URL', /mongodb:\/\//],
    [{ EVENTSTORE_URL: 'http://db:2113' }, 'EVENTSTORE_URL', /esdb:\/\//],
    [{ SMTP_URL: 'mail:25' }, 'SMTP_URL', /smtp:\/\//],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /must be one of/],
    [{ BODY_LIMIT_BYTES: '10' }, 'BODY_LIMIT_BYTES', /at least 1024/],
  ])('rejects %j naming %s', (env, variable, problem) => {
    const err = failure(env);
    expect(err.variable).toBe(variable);
    expect(err.message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    expect(err.message).toMatch(problem);
    expect(err.message).not.toContain('\n');
  });

  it('never echoes a secret back', () => {
    const err = failure({ JWT_SECRET: 'too-short-secret' });
    expect(err.variable).toBe('JWT_SECRET');
    expect(err.message).toMatch(/at least 32 characters/);
    expect(err.message).not.toContain('too-short-secret');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', EVENTSTORE_URL: '' }).http.port).toBe(3000);
  });
});
