/**
 * Every error code ChildSafe answers with, in one place, and the typed error that carries one. The HTTP error
 * middleware maps codes to status codes; workflows and activities use the same names as ApplicationFailure types.
 */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  IllegalTransition = 'ILLEGAL_TRANSITION',
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  RateLimited = 'RATE_LIMITED',
  DependencyUnavailable = 'DEPENDENCY_UNAVAILABLE',
  Internal = 'INTERNAL',
}

export const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.ValidationFailed]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.IllegalTransition]: 422,
  [ErrorCode.IdempotencyKeyReused]: 422,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.DependencyUnavailable]: 503,
  [ErrorCode.Internal]: 500,
};

export interface FieldError {
  /** Dotted path of the offending field, e.g. "child.dateOfBirth". */
  field: string;
  message: string;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  get status(): number {
    return HTTP_STATUS[this.code];
  }
}

export const validationError = (fields: FieldError[]) =>
  new AppError(ErrorCode.ValidationFailed, `Invalid request: ${fields.map((f) => f.field).join(', ')}`, { fields });

export const dependencyUnavailable = (dependency: string) =>
  new AppError(
    ErrorCode.DependencyUnavailable,
    `${dependency} is unavailable; nothing was written. Try again shortly.`,
    {
      dependency,
    },
  );
