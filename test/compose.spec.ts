/**
 * docker-compose.yml parses and wires the stack as the README promises. No Docker engine runs
 * here, so this checks the file itself: services, health checks, start order, and URLs
 * that point at the services by name with the ports the images listen on.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load, YAML11_SCHEMA } from 'js-yaml';
import { loadConfig } from '@qa/config';

const root = path.resolve(__dirname, '..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
}

// Compose reads YAML 1.1 merge keys (`<<: *app`), which js-yaml's default schema does not.
const compose = load(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), {
  schema: YAML11_SCHEMA,
}) as { services: Record<string, Service> };
const { services } = compose;

describe('docker-compose.yml', () => {
  it('has the servers and the three apps', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['api', 'eventstoredb', 'mailpit', 'mongodb', 'projector', 'redis', 'worker'].sort(),
    );
    expect(services.eventstoredb.image).toBe('eventstore/eventstore:24.10');
    expect(services.mongodb.image).toBe('mongo:7');
    expect(services.redis.image).toBe('redis:7');
    expect(services.mailpit.image).toMatch(/^axllent\/mailpit/);
  });

  it('runs EventStoreDB as an insecure single node and Redis without eviction', () => {
    expect(services.eventstoredb.environment).toMatchObject({
      EVENTSTORE_INSECURE: 'true',
      EVENTSTORE_CLUSTER_SIZE: '1',
    });
    const redis = services.redis.command!.join(' ');
    expect(redis).toContain('--appendonly yes');
    expect(redis).toContain('--maxmemory-policy noeviction');
  });

  it('health-checks every server and starts the apps only once they are healthy', () => {
    for (const name of ['eventstoredb', 'mongodb', 'redis', 'mailpit', 'api']) {
      expect(services[name].healthcheck?.test.length).toBeGreaterThan(0);
    }
    for (const app of ['api', 'projector', 'worker']) {
      const deps = services[app].depends_on!;
      for (const server of ['eventstoredb', 'mongodb', 'redis', 'mailpit']) {
        expect(deps[server]).toEqual({ condition: 'service_healthy' });
      }
    }
  });

  it('starts each app from its own entry point in the one image', () => {
    for (const app of ['api', 'projector', 'worker']) {
      const command = services[app].command!;
      expect(command.slice(0, 1)).toEqual(['node']);
      const entry = command[command.length - 1];
      expect(entry).toBe(`dist/apps/${app}/main.js`);
      expect(existsSync(path.join(root, 'apps', app, 'src', 'main.ts'))).toBe(true);
      expect(services[app].build).toBe('.');
    }
    expect(existsSync(path.join(root, 'Dockerfile'))).toBe(true);
  });

  it('gives the apps a valid configuration pointing at the services by name', () => {
    for (const app of ['api', 'projector', 'worker']) {
      const env = Object.fromEntries(
        Object.entries(services[app].environment!).map(([k, v]) => [
          k,
          // Resolve `${VAR:-default}` as compose does when VAR is unset.
          String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1'),
        ]),
      );
      const config = loadConfig(env);
      expect(new URL(config.eventStoreUrl!).host).toBe('eventstoredb:2113');
      expect(new URL(config.mongoUrl!).host).toBe('mongodb:27017');
      expect(new URL(config.redisUrl).host).toBe('redis:6379');
      expect(new URL(config.smtpUrl!).host).toBe('mailpit:1025');
      expect(config.http.host).toBe('0.0.0.0');
    }
  });
});
