/** Secrets are generated once into DATA_DIR (owner-only) and the same ones come back later. */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from './config.schema';
import { loadSecrets, secretsFile } from './secrets';

describe('loadSecrets', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'qa-secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates distinct secrets once, readable only by the owner, and reuses them', async () => {
    const config = loadConfig({ DATA_DIR: dir });
    const first = await loadSecrets(config);
    expect(new Set(Object.values(first)).size).toBe(3);
    for (const value of Object.values(first)) expect(value.length).toBeGreaterThanOrEqual(32);
    expect(statSync(secretsFile(dir)).mode & 0o777).toBe(0o600);
    expect(await loadSecrets(config)).toEqual(first);
  });

  it('agrees when several apps start at the same time', async () => {
    const config = loadConfig({ DATA_DIR: dir });
    const all = await Promise.all([1, 2, 3, 4].map(() => loadSecrets(config)));
    for (const s of all) expect(s).toEqual(all[0]);
  });

  it('lets the environment override a secret', async () => {
    const jwt = 'j'.repeat(40);
    const secrets = await loadSecrets(loadConfig({ DATA_DIR: dir, JWT_SECRET: jwt }));
    expect(secrets.jwtSecret).toBe(jwt);
    expect(secrets.hashKey).not.toBe(jwt);
  });
});
