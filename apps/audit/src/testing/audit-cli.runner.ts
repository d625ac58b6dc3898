/**
 * Runs the audit command line in-process against the given dependencies and collects what it
 * printed, so tests read exit code, stdout and stderr as a user of `npm run audit` would.
 */
import { runAuditCli, type AuditDeps } from '../audit.cli';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export function auditCliRunner(deps: () => AuditDeps): (...argv: string[]) => Promise<CliResult> {
  return async (...argv) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAuditCli(argv, async () => deps(), {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}
