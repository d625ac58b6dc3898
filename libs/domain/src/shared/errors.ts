/**
 * The domain's small family of errors. Each carries a stable code that clients rely on
 * (API.md); the HTTP layer maps the kind to a status in one exception filter.
 */
export type DomainErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable';

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const validationFailed = (errors: FieldError[]) =>
  new DomainError('validation', 'VALIDATION_FAILED', 'The request has invalid fields.', errors);

export const forbidden = (code: string, message: string) =>
  new DomainError('forbidden', code, message);

export const notFound = (code: string, message: string) =>
  new DomainError('not_found', code, message);

export const conflict = (code: string, message: string) =>
  new DomainError('conflict', code, message);

/** Thrown by the event store port when an expected revision does not hold. */
export class ConcurrencyError extends DomainError {
  constructor(
    readonly stream: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      'conflict',
      'CONCURRENT_MODIFICATION',
      `Stream ${stream} changed concurrently (expected ${expected}, actual ${actual}).`,
    );
    this.name = 'ConcurrencyError';
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
