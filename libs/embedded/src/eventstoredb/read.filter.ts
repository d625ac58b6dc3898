/**
 * `$all` filters of reads and subscriptions (ReadReq.Options.FilterOptions): on stream
 * name or event type, by prefixes or a regular expression, as the real EventFilter does
 * (a non-empty regex wins over prefixes).
 */
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { invalidArgument, RequestError } from './rpc.errors';

/** Whether an event of `stream` with `type` passes the filter. */
export type EventFilter = (stream: string, type: string) => boolean;

export interface FilterSettings {
  matches: EventFilter;
  /** Events considered between two checkpoints: window (default 32) x multiplier. */
  checkpointInterval: number;
}

/** The real server's read page size, used as the search window when the client sends none. */
const DEFAULT_SEARCH_WINDOW = 32;

export function toFilter(options: ReadReq.Options.FilterOptions): FilterSettings {
  const onStream = options.hasStreamIdentifier();
  const expression = onStream ? options.getStreamIdentifier() : options.getEventType();
  if (!expression)
    throw new RequestError(invalidArgument(`'${String(options)}' is not a valid FilterOptions`));
  const regex = expression.getRegex();
  let matches: EventFilter;
  if (regex) {
    let compiled: RegExp;
    try {
      compiled = new RegExp(regex);
    } catch {
      throw new RequestError(invalidArgument(`Invalid regular expression: ${regex}`));
    }
    matches = onStream ? (stream) => compiled.test(stream) : (_stream, type) => compiled.test(type);
  } else {
    const prefixes = expression.getPrefixList();
    const anyPrefix = (value: string) => {
      for (const prefix of prefixes) if (value.startsWith(prefix)) return true;
      return false;
    };
    matches = onStream ? (stream) => anyPrefix(stream) : (_stream, type) => anyPrefix(type);
  }
  const window =
    options.hasMax() && options.getMax() > 0 ? options.getMax() : DEFAULT_SEARCH_WINDOW;
  const multiplier = options.getCheckpointintervalmultiplier() || 1;
  return { matches, checkpointInterval: window * multiplier };
}
