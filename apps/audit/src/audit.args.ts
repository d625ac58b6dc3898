/** `npm run audit -- <command> [arguments] [--options]`: what was asked, or a usage error. */

export type AuditCommand =
  | { name: 'verify'; json: boolean }
  | { name: 'user'; username: string; asOf?: string; json: boolean }
  | { name: 'question'; id: string; asOf: string }
  | { name: 'deliveries'; questionId: string; json: boolean }
  | { name: 'export'; out: string }
  | { name: 'erase'; login: string; json: boolean }
  | { name: 'help' };

export const USAGE = `Usage: npm run audit -- <command>

  verify                          replay the whole history into memory and compare
                                  every read model document with the live one (exit 1 on any difference)
  user <username> [--as-of T]     the user's points explained event by event
  question <id> [--as-of T]       the question page as it stood at T (default: now)
  deliveries <question id>        every notification email about that question
  export --out <file>             the history as JSON lines, personal data redacted
  erase <username|email>          delete the person's key: their address becomes unreadable everywhere

Options: --json (machine-readable output). Times are ISO 8601, e.g. 2026-03-03T12:00:00Z.
Servers: EVENTSTORE_URL and MONGODB_URL, or those of a running \`npm start\` (same DATA_DIR).`;

export class UsageError extends Error {}

/** ISO 8601 time, normalised, or a usage error. */
export function parseTime(text: string, option: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`${option}: not an ISO 8601 time: ${text}`);
  return new Date(ms).toISOString();
}

export function parseArgs(argv: string[]): AuditCommand {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split(/=(.*)/s, 2);
      if (key === 'json' || key === 'help') options.set(key, true);
      else if (inline !== undefined) options.set(key, inline);
      else if (i + 1 < argv.length) options.set(key, argv[++i]);
      else throw new UsageError(`--${key} needs a value`);
    } else {
      positional.push(arg);
    }
  }
  const known = new Set(['json', 'help', 'as-of', 'out']);
  for (const key of options.keys())
    if (!known.has(key)) throw new UsageError(`unknown option --${key}`);
  const [name, ...rest] = positional;
  const json = options.has('json');
  const asOf =
    typeof options.get('as-of') === 'string'
      ? parseTime(options.get('as-of') as string, '--as-of')
      : undefined;
  const one = (what: string) => {
    if (rest.length !== 1) throw new UsageError(`${name} needs exactly one ${what}`);
    return rest[0];
  };
  if (options.has('help') || name === undefined || name === 'help') return { name: 'help' };
  switch (name) {
    case 'verify':
      if (rest.length) throw new UsageError('verify takes no arguments');
      return { name, json };
    case 'user':
      return { name, username: one('username'), asOf, json };
    case 'question':
      return { name, id: one('question id'), asOf: asOf ?? new Date().toISOString() };
    case 'deliveries':
      return { name, questionId: one('question id'), json };
    case 'export': {
      const out = options.get('out');
      if (typeof out !== 'string' || !out) throw new UsageError('export needs --out <file>');
      if (rest.length) throw new UsageError('export takes no arguments');
      return { name, out };
    }
    case 'erase':
      return { name, login: one('username or email'), json };
    default:
      throw new UsageError(`unknown command ${name}`);
  }
}
