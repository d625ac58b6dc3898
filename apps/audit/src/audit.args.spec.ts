import { parseArgs, UsageError } from './audit.args';

describe('audit command line arguments', () => {
  it('reads every command with its arguments and options', () => {
    expect(parseArgs(['verify'])).toEqual({ name: 'verify', json: false });
    expect(parseArgs(['user', 'ann', '--as-of', '2026-03-03'])).toEqual({
      name: 'user',
      username: 'ann',
      asOf: '2026-03-03T00:00:00.000Z',
      json: false,
    });
    expect(parseArgs(['question', 'q1', '--as-of=2026-03-03T12:30:00+01:00'])).toEqual({
      name: 'question',
      id: 'q1',
      asOf: '2026-03-03T11:30:00.000Z',
    });
    expect(parseArgs(['deliveries', 'q1', '--json'])).toEqual({
      name: 'deliveries',
      questionId: 'q1',
      json: true,
    });
    expect(parseArgs(['export', '--out', 'h.jsonl'])).toEqual({ name: 'export', out: 'h.jsonl' });
    expect(parseArgs(['erase', 'ann@example.com'])).toEqual({
      name: 'erase',
      login: 'ann@example.com',
      json: false,
    });
    expect(parseArgs([])).toEqual({ name: 'help' });
    expect(parseArgs(['verify', '--help'])).toEqual({ name: 'help' });
  });

  it('refuses what it cannot do, saying why', () => {
    const refused = (argv: string[]) => {
      try {
        parseArgs(argv);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      throw new Error(`accepted ${argv.join(' ')}`);
    };
    expect(refused(['rewind'])).toBe('unknown command rewind');
    expect(refused(['user'])).toBe('user needs exactly one username');
    expect(refused(['user', 'a', 'b'])).toBe('user needs exactly one username');
    expect(refused(['export'])).toBe('export needs --out <file>');
    expect(refused(['question', 'q1', '--as-of', 'yesterday'])).toBe(
      '--as-of: not an ISO 8601 time: yesterday',
    );
    expect(refused(['verify', '--fast'])).toBe('--fast needs a value');
    expect(refused(['verify', '--fast', 'yes'])).toBe('unknown option --fast');
  });
});
