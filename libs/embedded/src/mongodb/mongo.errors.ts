/**
 * The server's error family: every failure a client can see carries MongoDB's numeric code
 * and code name, so driver code that branches on `err.code` behaves as against a real server.
 */
export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  Unauthorized: 13,
  IllegalOperation: 20,
  InvalidBSON: 22,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  NotImplemented: 238,
  DuplicateKey: 11000,
  BSONObjectTooLarge: 10334,
  ProtocolError: 17,
  UnsupportedOpQueryCommand: 352,
  Location15956: 15956,
  Location15958: 15958,
  Location15976: 15976,
  Location40324: 40324,
  Location40573: 40573,
} as const;

export type ErrorCodeName = keyof typeof ErrorCodes;

export class MongoCommandError extends Error {
  readonly code: number;
  constructor(
    readonly codeName: ErrorCodeName,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'MongoCommandError';
    this.code = ErrorCodes[codeName];
  }

  toReply(): Record<string, unknown> {
    const codeName = this.codeName.startsWith('Location') ? undefined : this.codeName;
    return {
      ok: 0,
      errmsg: this.message,
      code: this.code,
      ...(codeName ? { codeName } : {}),
      ...this.extra,
    };
  }
}

export const commandError = (
  codeName: ErrorCodeName,
  message: string,
  extra?: Record<string, unknown>,
) => new MongoCommandError(codeName, message, extra);

/** A feature the embedded server refuses instead of answering it differently from MongoDB. */
export const notSupported = (what: string) =>
  new MongoCommandError('NotImplemented', `${what} is not supported by the embedded server`);
