/**
 * The request-level inputs of a command: the Idempotency-Key header and path ids. Both are
 * checked before they reach a stream name or a hash.
 */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { domainError, validationFailed, type ErrorCode } from '@qa/domain';
import { isId } from './request-schema';

// Printable ASCII: a UUID as API.md suggests, or any client's own scheme of similar size.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export const IdempotencyKey = createParamDecorator(
  (_: unknown, context: ExecutionContext): string | null => {
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const raw = request.headers['idempotency-key'];
    if (raw === undefined) return null;
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!IDEMPOTENCY_KEY.test(value)) {
      throw validationFailed([
        {
          field: 'Idempotency-Key',
          message: 'Must be 1-200 printable ASCII characters, e.g. a UUID.',
        },
      ]);
    }
    return value;
  },
);

/** A path id that cannot name anything is simply not found. */
export function requireId(id: string, notFound: ErrorCode): string {
  if (!isId(id)) throw domainError(notFound);
  return id;
}
