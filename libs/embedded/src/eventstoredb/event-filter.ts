/**
 * `$all` filters of reads and subscriptions (ReadReq.Options.FilterOptions): on stream
 * name or event type, by prefixes or a regular expression, as the real EventFilter does
 * (a non-empty regex wins over prefixes).
 */
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { EventRow, ROW_STREAM, ROW_TYPE } from './event-log.store';
import { invalidArgument, RequestError } from './rpc-errors';

export type RowFilter = (row: EventRow) => boolean;

export interface FilterSettings {
  matches: RowFilter;
  /** Events considered between two checkpoints: window (default 32) x multiplier. */
  checkpointInterval: number;
}

/** The real server's read page size, used as the search window when the client sends none. */
const DEFAULT_SEARCH_WINDOW = 32;

export function toFilter(options: ReadReq.Options.FilterOptions): FilterSettings {
  const onStream = options.hasStreamIdentifier();
  const expression = onStream ? options.getStreamIdentifier() : options.getEventType();
  if (!expression) throw new RequestError(invalidArgument(`'${String(options)}' is not a valid FilterOptions`));
  const field = onStream ? ROW_STREAM : ROW_TYPE;
  const regex = expression.getRegex();
  let matches: RowFilter;
  if (regex) {
    let compiled: RegExp;
    try {
      compiled = new RegExp(regex);
    } catch {
      throw new RequestError(invalidArgument(`Invalid regular expression: ${regex}`));
    }
    matches = (row) => compiled.test(row[field] as string);
  } else {
    const prefixes = expression.getPrefixList();
    matches = (row) => {
      const value = row[field] as string;
      for (const prefix of prefixes) if (value.startsWith(prefix)) return true;
      return false;
    };
  }
  const window = options.hasMax() && options.getMax() > 0 ? options.getMax() : DEFAULT_SEARCH_WINDOW;
  const multiplier = options.getCheckpointintervalmultiplier() || 1;
  return { matches, checkpointInterval: window * multiplier };
}
