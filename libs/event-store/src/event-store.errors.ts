/**
 * The event store's additions to the domain's error family (libs/domain errors.ts). The
 * adapter throws only these and `ConcurrencyError`, never a vendor client's error, so
 * command handlers and the HTTP filter can rely on the stable codes.
 */
import { DomainError } from '@qa/domain';

export const STREAM_DELETED = 'STREAM_DELETED';
export const EVENT_STORE_UNAVAILABLE = 'EVENT_STORE_UNAVAILABLE';
export const EVENT_SCHEMA_UNSUPPORTED = 'EVENT_SCHEMA_UNSUPPORTED';

/** The stream was tombstoned: it can never be read or written again. */
export const streamDeleted = (stream: string, cause?: unknown): DomainError =>
  withCause(
    new DomainError('conflict', STREAM_DELETED, `Stream ${stream} has been deleted.`),
    cause,
  );

/** The event store could not be reached or did not answer in time. */
export const eventStoreUnavailable = (cause?: unknown): DomainError =>
  withCause(
    new DomainError(
      'unavailable',
      EVENT_STORE_UNAVAILABLE,
      `The event store is unavailable${cause instanceof Error ? `: ${cause.message}` : '.'}`,
    ),
    cause,
  );

/**
 * An event was stored with a schema version this build cannot read (written by a newer
 * release). Failing loudly beats handing consumers a shape they do not understand.
 */
export const eventSchemaUnsupported = (type: string, version: number, current: number) =>
  new DomainError(
    'unavailable',
    EVENT_SCHEMA_UNSUPPORTED,
    `Event type ${type} has schema version ${version}; this build reads up to ${current}.`,
  );

const withCause = (error: DomainError, cause: unknown): DomainError => {
  if (cause !== undefined) {
    Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
  }
  return error;
};
