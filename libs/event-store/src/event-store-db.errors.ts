/**
 * Translation of `@eventstore/db-client` errors into the domain's error family, in one place.
 * What callers can act on (a concurrent change, a deleted stream, an unreachable server)
 * leaves the adapter as a domain error; anything else (access denied, an oversized append)
 * is a misconfiguration or a bug and surfaces unchanged, to be logged as such.
 */
import {
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  StreamDeletedError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { ConcurrencyError, isDomainError } from '@qa/domain';
import { eventStoreUnavailable, streamDeleted } from './event-store.errors';

/** gRPC status codes that mean "the server is not there or did not answer". */
const UNREACHABLE_GRPC_CODES = new Set([1 /* CANCELLED */, 4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);
const UNREACHABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

const revisionText = (revision: unknown): string =>
  typeof revision === 'bigint' ? revision.toString() : String(revision);

export const translateEventStoreError = (error: unknown, stream?: string): Error => {
  if (isDomainError(error)) return error;
  if (error instanceof WrongExpectedVersionError) {
    return new ConcurrencyError(
      error.streamName || stream || '',
      revisionText(error.expectedVersion),
      revisionText(error.actualVersion),
    );
  }
  if (error instanceof StreamDeletedError) {
    return streamDeleted(error.streamName || stream || '', error);
  }
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof CancelledError ||
    error instanceof NotLeaderError
  ) {
    return eventStoreUnavailable(error);
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (
    (typeof code === 'number' && UNREACHABLE_GRPC_CODES.has(code)) ||
    (typeof code === 'string' && UNREACHABLE_SOCKET_CODES.has(code))
  ) {
    return eventStoreUnavailable(error);
  }
  return error instanceof Error ? error : new Error(String(error));
};
