/**
 * The errors of the real server's gRPC layer (RpcExceptions.cs and the google.rpc.Status
 * helpers of BatchAppend), in the shapes `@eventstore/db-client` turns into its typed
 * errors: a status code plus `exception`-keyed trailing metadata for unary and read calls,
 * or a `google.rpc.Status` with a packed detail message inside a BatchAppend reply.
 */
import { Metadata, status as Status, type ServiceError } from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as ProtobufEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import * as shared from '@eventstore/db-client/generated/shared_pb';
import { Status as RpcStatus } from '@eventstore/db-client/generated/status_pb';
import { MAX_APPEND_SIZE } from './event-log.store';

export type RpcError = Partial<ServiceError> & { code: Status; details: string };

function withMetadata(code: Status, details: string, entries: Record<string, string>): RpcError {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return { code, details, metadata, message: details } as RpcError;
}

export function streamDeleted(streamName: string): RpcError {
  return withMetadata(Status.FAILED_PRECONDITION, `Event stream '${streamName}' is deleted.`, {
    exception: 'stream-deleted',
    'stream-name': streamName,
  });
}

export function wrongExpectedVersion(
  operation: string,
  streamName: string,
  expected: number,
  actual: number,
): RpcError {
  return withMetadata(
    Status.FAILED_PRECONDITION,
    `${operation} failed due to WrongExpectedVersion. Stream: ${streamName}, Expected version: ${expected}, Actual version: ${actual}`,
    {
      exception: 'wrong-expected-version',
      'stream-name': streamName,
      'expected-version': String(expected),
      'actual-version': String(actual),
    },
  );
}

export function accessDenied(): RpcError {
  return withMetadata(Status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' });
}

export function unauthenticated(): RpcError {
  return {
    code: Status.UNAUTHENTICATED,
    details: 'Bad HTTP status code: 401',
    message: '',
  } as RpcError;
}

export function maxAppendSizeExceeded(): RpcError {
  return withMetadata(
    Status.INVALID_ARGUMENT,
    `Maximum Append Size of ${MAX_APPEND_SIZE} Exceeded.`,
    {
      exception: 'maximum-append-size-exceeded',
      'maximum-append-size': String(MAX_APPEND_SIZE),
    },
  );
}

export function requiredMetadataMissing(property: string): RpcError {
  return withMetadata(
    Status.INVALID_ARGUMENT,
    `Required Metadata Property '${property}' is missing`,
    {
      exception: 'missing-required-metadata-property',
      'required-metadata-properties': 'type,content-type',
    },
  );
}

export function invalidArgument(details: string): RpcError {
  return { code: Status.INVALID_ARGUMENT, details, message: details } as RpcError;
}

export function internal(details: string): RpcError {
  return { code: Status.INTERNAL, details, message: details } as RpcError;
}

/** A problem with the request itself: reported as the real server's status code, never a crash. */
export class RequestError extends Error {
  constructor(readonly rpc: RpcError) {
    super(rpc.details);
  }
}

/** A status whose message is the detail's type name, as the real server's are. */
function packed(code: number, name: string, detail: Uint8Array): RpcStatus {
  const any = new Any();
  any.pack(detail, `event_store.client.${name}`);
  const status = new RpcStatus();
  status.setCode(code);
  status.setMessage(name);
  status.setDetails(any);
  return status;
}

/** BatchAppend's `Status.WrongExpectedVersion`: ALREADY_EXISTS with Any(WrongExpectedVersion). */
export function batchWrongExpectedVersion(current: number, expected: number): RpcStatus {
  const detail = new shared.WrongExpectedVersion();
  if (current < 0) detail.setCurrentNoStream(new ProtobufEmpty());
  else detail.setCurrentStreamRevision(String(current));
  if (expected === -2) detail.setExpectedAny(new ProtobufEmpty());
  else if (expected === -1) detail.setExpectedNoStream(new ProtobufEmpty());
  else if (expected === -4) detail.setExpectedStreamExists(new ProtobufEmpty());
  else detail.setExpectedStreamPosition(String(expected));
  return packed(Status.ALREADY_EXISTS, 'WrongExpectedVersion', detail.serializeBinary());
}

/** BatchAppend's `Status.StreamDeleted`: NOT_FOUND with Any(StreamDeleted). */
export function batchStreamDeleted(streamName: Uint8Array): RpcStatus {
  const identifier = new shared.StreamIdentifier();
  identifier.setStreamName(streamName);
  const detail = new shared.StreamDeleted();
  detail.setStreamIdentifier(identifier);
  return packed(Status.NOT_FOUND, 'StreamDeleted', detail.serializeBinary());
}

export function batchTimeout(): RpcStatus {
  return packed(Status.DEADLINE_EXCEEDED, 'Timeout', new shared.Timeout().serializeBinary());
}

export function batchMaxAppendSizeExceeded(): RpcStatus {
  const detail = new shared.MaximumAppendSizeExceeded();
  detail.setMaxappendsize(MAX_APPEND_SIZE);
  return packed(Status.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', detail.serializeBinary());
}

export function batchAccessDenied(): RpcStatus {
  return packed(
    Status.PERMISSION_DENIED,
    'AccessDenied',
    new shared.AccessDenied().serializeBinary(),
  );
}

export function batchBadRequest(message: string): RpcStatus {
  const detail = new shared.BadRequest();
  detail.setMessage(message);
  return packed(Status.INVALID_ARGUMENT, 'BadRequest', detail.serializeBinary());
}

/** What a node that is shutting down answers to the calls it still holds. */
export function shuttingDown(): RpcError {
  return { code: Status.UNAVAILABLE, details: 'Server is shutting down.' } as RpcError;
}
