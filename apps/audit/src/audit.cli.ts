/**
 * The audit command line: answers an auditor's questions from the event history (and the
 * read models `verify` vouches for), printing to `out` and progress to `err`. Returns the
 * process exit code: 0 done, 1 a difference or failure, 2 a usage error.
 */
import {
  exportHistory,
  explainPoints,
  PersonalDataEraser,
  QuestionStreamsIndexer,
  QuestionStreamsStore,
  QuestionTimeTravel,
  questionDeliveries,
  verifyReadModels,
  type Difference,
} from '@qa/audit';
import { PersonalDataVault } from '@qa/common';
import { isDomainError } from '@qa/domain';
import type { EventStore } from '@qa/event-store';
import { ReadModelStore, activeVersion } from '@qa/read-models';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Db } from 'mongodb';
import { parseArgs, USAGE, UsageError, type AuditCommand } from './audit.args';

export interface AuditDeps {
  eventStore: EventStore;
  db: Db;
  /** Keys the email and IP hashes (`runtime.secrets.hashKey`); needed by `erase` only. */
  hashKey: () => Promise<string>;
}

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

export async function runAuditCli(
  argv: string[],
  deps: () => Promise<AuditDeps>,
  io: Output,
): Promise<number> {
  let command: AuditCommand;
  try {
    command = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`audit: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (command.name === 'help') {
    io.out(USAGE);
    return 0;
  }
  try {
    return await run(command, await deps(), io);
  } catch (e) {
    if (isDomainError(e)) {
      io.err(`audit: ${e.message} (${e.code})`);
      return 1;
    }
    throw e;
  }
}

async function readModels(db: Db) {
  return new ReadModelStore(db, await activeVersion(db));
}

async function run(
  command: Exclude<AuditCommand, { name: 'help' }>,
  deps: AuditDeps,
  io: Output,
): Promise<number> {
  switch (command.name) {
    case 'verify': {
      const report = await verifyReadModels({
        db: deps.db,
        eventStore: deps.eventStore,
        onProgress: (p) =>
          io.err(
            p.phase === 'replay'
              ? `replayed ${p.events} events (${p.eventsPerSecond} events/s)`
              : `compared ${p.documents} documents`,
          ),
        onResume: (r) =>
          io.err(
            `the event store dropped the connection (${r.error}); reading the history again after event ${r.events} in ${r.retryInMs} ms`,
          ),
      });
      if (command.json) io.out(JSON.stringify(report));
      else {
        for (const d of report.differences) io.out(describeDifference(d));
        const rate = Math.round(report.events / Math.max(0.001, report.elapsedMs / 1000));
        io.out(
          `${report.differences.length === 0 ? 'verify: OK' : `verify: ${report.differences.length} difference(s)`} - ` +
            `${report.events} events replayed, ${report.documents} documents compared at position ${report.position ?? 'none'} ` +
            `(read models v${report.version}) in ${(report.elapsedMs / 1000).toFixed(1)} s, ${rate} events/s`,
        );
      }
      return report.differences.length === 0 ? 0 : 1;
    }
    case 'user': {
      const explained = await explainPoints(
        await readModels(deps.db),
        command.username,
        command.asOf,
      );
      if (!explained) {
        io.err(`audit: there is no user ${command.username}`);
        return 1;
      }
      if (command.json) {
        io.out(JSON.stringify(explained));
        return 0;
      }
      io.out(
        `${explained.username} (${explained.userId}): points explained event by event${command.asOf ? ` as of ${command.asOf}` : ''}`,
      );
      for (const l of explained.lines) {
        io.out(
          `${l.at}  ${(l.delta >= 0 ? '+' : '') + l.delta}`.padEnd(34) +
            `= ${String(l.total).padEnd(7)} ${l.reason.padEnd(20)} ${l.postId ? `post ${l.postId}  ` : ''}event ${l.eventId}`,
        );
      }
      io.out(
        `points${command.asOf ? ` as of ${command.asOf}` : ''}: ${explained.points}` +
          (command.asOf ? ` (now: ${explained.currentPoints})` : ''),
      );
      return 0;
    }
    case 'question': {
      const index = new QuestionStreamsStore(deps.db);
      const indexer = new QuestionStreamsIndexer(deps.eventStore, index);
      try {
        if (!(await indexer.catchUp(120_000))) {
          io.err('audit: the question stream index did not catch up in time');
          return 1;
        }
      } finally {
        await indexer.stop();
      }
      const page = await new QuestionTimeTravel(deps.eventStore, index).pageAt(
        command.id,
        command.asOf,
        await readModels(deps.db),
      );
      if (!page) {
        io.err(`audit: there was no question ${command.id} at ${command.asOf}`);
        return 1;
      }
      io.out(JSON.stringify(page, null, 2));
      return 0;
    }
    case 'deliveries': {
      const lines = await questionDeliveries(deps.db, command.questionId);
      if (command.json) io.out(JSON.stringify(lines));
      else {
        for (const d of lines) {
          io.out(
            `${d.at}  ${d.status.padEnd(7)} ${d.recipient.padEnd(24)} ${d.eventType.padEnd(16)} attempts ${d.attempts}${d.reason ? `  ${d.reason}` : ''}`,
          );
        }
        io.out(`${lines.length} notification email(s) for question ${command.questionId}`);
      }
      return 0;
    }
    case 'export': {
      const file = createWriteStream(command.out);
      const count = await exportHistory(deps.eventStore, file, {
        onProgress: (n) => io.err(`exported ${n} events`),
      });
      file.end();
      await finished(file);
      io.out(`exported ${count} events to ${command.out}`);
      return 0;
    }
    case 'erase': {
      const vault = new PersonalDataVault(deps.eventStore, { hashKey: await deps.hashKey() });
      const result = await new PersonalDataEraser(deps.eventStore, vault, deps.db).eraseByLogin(
        command.login,
      );
      if (command.json) io.out(JSON.stringify(result));
      else {
        io.out(
          `erased: ${result.userId ? `user ${result.userId}` : 'no registered user'}; keys deleted: ${result.subjects.join(', ')}; ` +
            `deliveries log entries cleared: ${result.deliveriesCleared}` +
            (result.position ? `; recorded at position ${result.position}` : ''),
        );
      }
      return 0;
    }
  }
}

export function describeDifference(d: Difference): string {
  const where = `${d.collection}/${d.id}`;
  if (d.kind === 'missing')
    return `DIFF ${where}: missing from the live read model; replay has ${JSON.stringify(d.replayed)}`;
  if (d.kind === 'unexpected')
    return `DIFF ${where}: in the live read model but not in the history: ${JSON.stringify(d.live)}`;
  const pick = (doc: unknown) =>
    JSON.stringify(
      Object.fromEntries((d.fields ?? []).map((f) => [f, (doc as Record<string, unknown>)[f]])),
    );
  return `DIFF ${where}: ${d.fields?.join(', ')} differ; live ${pick(d.live)}, replay ${pick(d.replayed)}`;
}
