/**
 * The one place errors become HTTP answers: a stable body { error, message, details, requestId }. Known errors keep
 * their code; a dependency that is down is a 503; anything unknown is a plain 500 that leaks nothing.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, ErrorCode, HTTP_STATUS } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { isDependencyDown } from '../dependency-errors';

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new AppError(ErrorCode.NotFound, `No route ${req.method} ${req.path}`));
}

function bodyRefused(message: string, field: string): AppError {
  return new AppError(ErrorCode.ValidationFailed, message, { fields: [{ field: '(body)', message: field }] });
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    let appError: AppError;
    if (err instanceof AppError) appError = err;
    else if (err?.type === 'entity.too.large')
      appError = new AppError(
        ErrorCode.PayloadTooLarge,
        `Request body is larger than the limit of ${err.limit} bytes`,
        {
          limitBytes: err.limit,
        },
      );
    else if (err?.type === 'entity.parse.failed')
      appError = bodyRefused('Request body is not valid JSON', 'not valid JSON');
    else if (err?.type === 'entity.too.deep') appError = bodyRefused('Request body is nested too deeply', err.message);
    else if (err?.type === 'entity.encoding.invalid' || err?.type === 'charset.unsupported')
      appError = bodyRefused('Request body is not valid UTF-8', 'must be UTF-8 encoded JSON');
    else if (typeof err?.type === 'string' && err.status >= 400 && err.status < 500)
      // Any other refusal by the body parser (unsupported content encoding, aborted or mis-sized body).
      appError = bodyRefused('Request body could not be read', 'could not be read');
    else if (isDependencyDown(err))
      appError = new AppError(
        ErrorCode.DependencyUnavailable,
        'A service ChildSafe depends on is unavailable; nothing was written. Try again shortly.',
      );
    else appError = new AppError(ErrorCode.Internal, 'Internal error');

    const status = HTTP_STATUS[appError.code];
    const log = {
      requestId: req.requestId,
      code: appError.code,
      status,
      method: req.method,
      path: req.route?.path ?? '(unmatched)',
    };
    if (status >= 500)
      logger.error({ ...log, err: { type: err?.constructor?.name, message: err?.message } }, 'request failed');
    else logger.info(log, 'request rejected');

    res.status(status).json({
      error: appError.code,
      message: appError.message,
      details: appError.details ?? null,
      requestId: req.requestId,
    });
  };
}
