/**
 * `audit export --out <file>`: the whole history as JSON lines, one event per line in `$all`
 * order, personal data redacted (see event.redactor.ts) and key streams left out. The file
 * can be handed to an outside auditor: it never holds an address, even before an erasure.
 */
import type { EventStore, Position } from '@qa/event-store';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { auditedEvent, isKeyStream } from '../redaction/event.redactor';

export interface ExportOptions {
  batchSize?: number;
  onProgress?: (events: number) => void;
}

/** Writes every event to `out` (which it does not end); resolves with how many it wrote. */
export async function exportHistory(
  eventStore: EventStore,
  out: Writable,
  options: ExportOptions = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 5000;
  let from: Position | 'start' = 'start';
  let written = 0;
  let lastReport = Date.now();
  for (;;) {
    const page = await eventStore.readAll({ from, maxCount: batchSize });
    const lines: string[] = [];
    for (const e of page) {
      if (isKeyStream(e.stream)) continue;
      lines.push(JSON.stringify(auditedEvent(e)));
    }
    if (lines.length > 0 && !out.write(lines.join('\n') + '\n')) await once(out, 'drain');
    written += lines.length;
    if (options.onProgress && Date.now() - lastReport >= 1000) {
      lastReport = Date.now();
      options.onProgress(written);
    }
    if (page.length < batchSize) return written;
    from = page[page.length - 1].position;
  }
}
