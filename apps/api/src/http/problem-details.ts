/**
 * RFC 9457 problem details with the stable `code` clients rely on (API.md "Errors").
 * Every error the API answers with is built here, whatever raised it: a domain error, a
 * validation failure, a Fastify parsing error, an unknown route or a bug.
 */
import { isDomainError, type DomainErrorKind, type FieldError } from '@qa/domain';
import { HttpException } from '@nestjs/common';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  /** Seconds; sent as the Retry-After header too (429, 503). */
  retryAfter?: number;
}

const KIND_STATUS: Record<DomainErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  411: 'Length Required',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Codes for statuses that carry no domain code of their own. */
const STATUS_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  411: 'LENGTH_REQUIRED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/** Fastify's own errors for bad input, with the codes this API promises instead. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'MALFORMED_JSON',
    detail: 'The request body is not valid JSON.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'MALFORMED_JSON',
    detail: 'The request says it sends JSON but the body is empty.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    detail: 'The request body is larger than this server accepts.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    detail: 'The request body must be application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'BAD_REQUEST',
    detail: 'The Content-Length header does not match the body.',
  },
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_REQUEST', detail: 'The request URL is malformed.' },
  FST_ERR_ASYNC_CONSTRAINT: {
    status: 400,
    code: 'BAD_REQUEST',
    detail: 'The request is malformed.',
  },
};

export function problem(
  status: number,
  code: string,
  detail: string,
  extra: { errors?: FieldError[]; retryAfter?: number; title?: string } = {},
): ProblemDetails {
  const p: ProblemDetails = {
    type: `urn:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title: extra.title ?? TITLES[status] ?? 'Error',
    status,
    detail,
    code,
  };
  if (extra.errors && extra.errors.length > 0) p.errors = extra.errors;
  if (extra.retryAfter !== undefined) p.retryAfter = extra.retryAfter;
  return p;
}

/** The one mapping from anything thrown to what the client sees. */
export function toProblem(error: unknown): { problem: ProblemDetails; unexpected: boolean } {
  if (isDomainError(error)) {
    const status = KIND_STATUS[error.kind] ?? 500;
    const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
    return {
      problem: problem(status, error.code, error.message, { errors: error.errors, retryAfter }),
      unexpected: false,
    };
  }
  // Nest wraps Fastify's client errors in an HttpException; the cause keeps Fastify's code.
  const cause = error instanceof HttpException ? error.cause : error;
  const fastifyCode = (cause as { code?: unknown } | null)?.code;
  if (typeof fastifyCode === 'string' && FASTIFY_ERRORS[fastifyCode]) {
    const known = FASTIFY_ERRORS[fastifyCode];
    return { problem: problem(known.status, known.code, known.detail), unexpected: false };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) {
      return {
        problem: problem(404, 'ROUTE_NOT_FOUND', 'No route matches this method and path.'),
        unexpected: false,
      };
    }
    if (status < 500) {
      const body = error.getResponse();
      const message =
        typeof body === 'object' && body && 'message' in body
          ? String((body as { message: unknown }).message)
          : error.message;
      return {
        problem: problem(status, STATUS_CODES[status] ?? 'BAD_REQUEST', message),
        unexpected: false,
      };
    }
  }
  // Other client errors Fastify raises carry a 4xx statusCode (e.g. a bad header value).
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return {
      problem: problem(
        statusCode,
        STATUS_CODES[statusCode] ?? 'BAD_REQUEST',
        'The request is malformed.',
      ),
      unexpected: false,
    };
  }
  return {
    problem: problem(
      500,
      'INTERNAL_ERROR',
      'Something went wrong on our side; it has been logged.',
    ),
    unexpected: true,
  };
}
