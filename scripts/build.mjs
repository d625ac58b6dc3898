/**
 * Compiles apps/<app>/src and libs/<lib>/src with SWC into dist/apps/<app> and
 * dist/libs/<lib> (the `src/` segment dropped, so an entry point is dist/apps/<app>/main.js)
 * and rewrites the `@qa/<lib>` imports into relative paths, so dist runs on plain Node.
 * Tests are not built. Type checking is `npm run typecheck`; this only transpiles.
 *
 * "Build if needed": a hash of every source file, the compiler settings and this script is
 * kept in dist/.build-stamp; a build with the same hash does nothing. `--force` rebuilds.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharedSwcOptions from './swc-options.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stampFile = path.join(dist, '.build-stamp');
const TEST_FILE = /\.(int-)?spec\.ts$/;

const swcOptions = { ...sharedSwcOptions, sourceMaps: true };

async function walk(dir) {
  const out = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Every file to build: [source, output path without extension change]. */
async function sources() {
  const files = [];
  for (const kind of ['apps', 'libs']) {
    const base = path.join(root, kind);
    if (!existsSync(base)) continue;
    for (const name of (await fs.readdir(base)).sort()) {
      const src = path.join(base, name, 'src');
      if (!existsSync(src)) continue;
      for (const file of (await walk(src)).sort()) {
        if (TEST_FILE.test(file)) continue;
        files.push({ file, out: path.join(dist, kind, name, path.relative(src, file)) });
      }
    }
  }
  return files;
}

function aliasesFrom(tsconfig) {
  return Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => {
    // libs/<lib>/src -> dist/libs/<lib>
    const [kind, name] = target.split('/');
    return [alias, path.join(dist, kind, name)];
  });
}

/** Where a source path (file or folder under apps|libs/<name>/src) lands in dist. */
function distPathOf(sourcePath) {
  const rel = path.relative(root, sourcePath).split(path.sep);
  if ((rel[0] === 'apps' || rel[0] === 'libs') && rel[2] === 'src') {
    return path.join(dist, rel[0], rel[1], ...rel.slice(3));
  }
  return null;
}

/**
 * `@qa/<lib>` aliases become relative paths, and so do relative imports that cross from one
 * app or lib into another (the launcher imports the apps): dropping `src/` changes depths.
 */
function rewriteRequires(code, sourceFile, outFile, aliases) {
  const relativeTo = (target) => {
    let rel = path.relative(path.dirname(outFile), target);
    if (!rel.startsWith('.')) rel = './' + rel;
    return rel.split(path.sep).join('/');
  };
  return code.replace(/require\((["'])([^"']+)\1\)/g, (whole, quote, request) => {
    if (request.startsWith('@qa/')) {
      for (const [alias, target] of aliases) {
        if (request === alias || request.startsWith(alias + '/')) {
          return `require(${quote}${relativeTo(target + request.slice(alias.length))}${quote})`;
        }
      }
      return whole;
    }
    if (request.startsWith('./') || request.startsWith('../')) {
      const target = distPathOf(path.resolve(path.dirname(sourceFile), request));
      if (target) return `require(${quote}${relativeTo(target)}${quote})`;
    }
    return whole;
  });
}

const lockFile = path.join(dist, '.build-lock');

/** One build at a time (tests and `npm start` in two terminals may both ask for one). */
async function withLock(fn) {
  await fs.mkdir(dist, { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await fs.writeFile(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number(await fs.readFile(lockFile, 'utf8').catch(() => '0'));
      // An empty file is a lock being written right now: wait for it.
      let alive = !(holder > 0);
      if (holder > 0) {
        try {
          process.kill(holder, 0);
          alive = true;
        } catch (e) {
          alive = e.code === 'EPERM';
        }
      }
      if (!alive || Date.now() > deadline) await fs.rm(lockFile, { force: true });
      else await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockFile, { force: true });
  }
}

export function build(options = {}) {
  return withLock(() => buildUnlocked(options));
}

async function buildUnlocked({ force = false, quiet = false } = {}) {
  const files = await sources();
  const configFiles = [
    'tsconfig.json',
    'package-lock.json',
    'scripts/build.mjs',
    'scripts/swc-options.js',
  ].map((f) => path.join(root, f));
  const hash = createHash('sha256');
  for (const f of [...configFiles, ...files.map((x) => x.file)]) {
    hash.update(path.relative(root, f));
    hash.update('\0');
    hash.update(existsSync(f) ? readFileSync(f) : '');
    hash.update('\0');
  }
  const digest = hash.digest('hex');
  if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === digest) {
    if (!quiet) console.log('build: up to date');
    return { built: false };
  }

  const started = Date.now();
  // Loaded only when there is something to build, so an up-to-date `npm start` does not pay
  // for loading the compiler.
  const { default: swc } = await import('@swc/core');
  const tsconfig = JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
  const aliases = aliasesFrom(tsconfig);
  // A full rebuild, so files deleted from the sources do not linger in dist.
  await fs.rm(path.join(dist, 'apps'), { recursive: true, force: true });
  await fs.rm(path.join(dist, 'libs'), { recursive: true, force: true });
  await fs.rm(stampFile, { force: true });

  await Promise.all(
    files.map(async ({ file, out }) => {
      await fs.mkdir(path.dirname(out), { recursive: true });
      if (!file.endsWith('.ts') || file.endsWith('.d.ts')) {
        // Assets next to the code (templates, schemas) are copied as they are.
        if (!file.endsWith('.d.ts')) await fs.copyFile(file, out);
        return;
      }
      const jsFile = out.replace(/\.ts$/, '.js');
      const result = await swc.transformFile(file, {
        ...swcOptions,
        filename: file,
        sourceFileName: path.relative(path.dirname(jsFile), file),
        swcrc: false,
      });
      const code = rewriteRequires(result.code, file, jsFile, aliases);
      await fs.writeFile(jsFile, `${code}\n//# sourceMappingURL=${path.basename(jsFile)}.map\n`);
      if (result.map) await fs.writeFile(`${jsFile}.map`, result.map);
    }),
  );
  await fs.writeFile(stampFile, digest + '\n');
  if (!quiet) console.log(`build: ${files.length} files in ${Date.now() - started} ms -> dist/`);
  return { built: true };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build({ force: process.argv.includes('--force'), quiet: process.argv.includes('--quiet') }).catch(
    (err) => {
      console.error(`build failed: ${err.message}`);
      process.exit(1);
    },
  );
}
