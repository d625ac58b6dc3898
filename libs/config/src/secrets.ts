/**
 * The secrets every app needs. A value set in the environment wins; otherwise each is
 * generated once into DATA_DIR/secrets.json (mode 0600) and read back on every start, so
 * tokens and hashes stay valid across restarts and the three apps agree.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.schema';
import type { Runtime } from './runtime';

type Secrets = Runtime['secrets'];
const NAMES: Array<keyof Secrets> = ['jwtSecret', 'hashKey', 'unsubscribeSecret'];

export const secretsFile = (dataDir: string) => path.join(dataDir, 'secrets.json');

const generate = (): Secrets => ({
  jwtSecret: randomBytes(32).toString('base64url'),
  hashKey: randomBytes(32).toString('base64url'),
  unsubscribeSecret: randomBytes(32).toString('base64url'),
});

async function readOrCreate(file: string): Promise<Secrets> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  try {
    // `wx`: when two apps start at once, exactly one writes and the other reads its file.
    await fs.writeFile(file, JSON.stringify(generate(), null, 2) + '\n', {
      flag: 'wx',
      mode: 0o600,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  for (let attempt = 0; ; attempt++) {
    try {
      const stored = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<Secrets>;
      if (NAMES.every((n) => typeof stored[n] === 'string' && stored[n]!.length >= 32)) {
        return stored as Secrets;
      }
      throw new Error(`${file} is incomplete; delete it to generate new secrets`);
    } catch (err) {
      // The other writer may be half-way through; give it a moment.
      if (err instanceof SyntaxError && attempt < 20) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      throw err;
    }
  }
}

export async function loadSecrets(config: Config): Promise<Secrets> {
  const overrides: Partial<Secrets> = {
    jwtSecret: config.jwtSecret,
    hashKey: config.hashKey,
    unsubscribeSecret: config.unsubscribeSecret,
  };
  if (NAMES.every((n) => overrides[n] !== undefined)) return overrides as Secrets;
  const stored = await readOrCreate(secretsFile(config.dataDir));
  return {
    jwtSecret: overrides.jwtSecret ?? stored.jwtSecret,
    hashKey: overrides.hashKey ?? stored.hashKey,
    unsubscribeSecret: overrides.unsubscribeSecret ?? stored.unsubscribeSecret,
  };
}
