/** Small pieces the embedded servers' command lines share: options and signal handling. */

export class CliUsageError extends Error {}

type Kind = 'string' | 'number' | 'boolean';

/** `--name value` / `--name=value` / `--flag`; unknown options are an error, not ignored. */
export function parseCliOptions(
  argv: string[],
  spec: Record<string, Kind>,
): Record<string, string | number | boolean | undefined> {
  const out: Record<string, string | number | boolean | undefined> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new CliUsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const kind = spec[name];
    if (!kind) {
      const known = Object.keys(spec)
        .map((k) => `--${k}`)
        .join(', ');
      throw new CliUsageError(`unknown option --${name} (known: ${known})`);
    }
    if (kind === 'boolean') {
      out[name] = eq === -1 ? true : arg.slice(eq + 1) !== 'false';
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new CliUsageError(`--${name} needs a value`);
    if (kind === 'number') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0)
        throw new CliUsageError(`--${name} must be a whole number`);
      out[name] = n;
    } else {
      out[name] = value;
    }
  }
  return out;
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (signal: NodeJS.Signals) => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve(signal);
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

/** Runs a command line's main with this process's arguments and exits with its code. */
export function exitWith(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exit(1);
    },
  );
}
