/**
 * The one place errors become HTTP answers: a stable body { error, message, details, requestId }. Known errors keep
 * their code; a workflow's rejection of a command maps through the catalogue of domain failures
 * (workflows/failures.ts) to one answer each, in the table below; a dependency that is down is a 503; anything unknown is a plain 500
 * that leaks nothing.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, ErrorCode, HTTP_STATUS } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { CaseFailure, InterventionRejection, TaskRejection } from '../../workflows/failures';
import { isDependencyDown } from '../dependency-errors';

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new AppError(ErrorCode.NotFound, `No route ${req.method} ${req.path}`));
}

function bodyRefused(message: string, field: string): AppError {
  return new AppError(ErrorCode.ValidationFailed, message, { fields: [{ field: '(body)', message: field }] });
}

export type DomainFailure = TaskRejection | CaseFailure | InterventionRejection;

/**
 * The HTTP answer of every domain failure a command can meet: not the caller's to give (answered like a record that
 * does not exist, or as not permitted), in conflict with the record's current state, not legal as asked, or the
 * system's own failure.
 */
export const DOMAIN_FAILURE_CODES: Readonly<Record<DomainFailure, ErrorCode>> = {
  [TaskRejection.TaskClosed]: ErrorCode.Conflict,
  [TaskRejection.TaskNotAccepted]: ErrorCode.Conflict,
  [TaskRejection.TaskAlreadyAccepted]: ErrorCode.Conflict,
  [TaskRejection.WrongAgency]: ErrorCode.NotFound,
  [TaskRejection.OutcomeKindMismatch]: ErrorCode.IllegalTransition,
  [TaskRejection.InvalidOutcome]: ErrorCode.IllegalTransition,
  [TaskRejection.ConcernNotAddressed]: ErrorCode.IllegalTransition,
  [CaseFailure.UnknownTaskKind]: ErrorCode.Internal,
  [CaseFailure.NoResponsibleAgency]: ErrorCode.Internal,
  [CaseFailure.ReportForAnotherChild]: ErrorCode.Internal,
  [InterventionRejection.PlacementEnded]: ErrorCode.Conflict,
  [InterventionRejection.NoPoliceCertificate]: ErrorCode.IllegalTransition,
  [InterventionRejection.NotCoordinator]: ErrorCode.Forbidden,
  [InterventionRejection.InvalidCommand]: ErrorCode.IllegalTransition,
  [InterventionRejection.IllegalLegalStep]: ErrorCode.IllegalTransition,
  [InterventionRejection.NotLegalStepRecorder]: ErrorCode.Forbidden,
  [InterventionRejection.NeglectClockRunning]: ErrorCode.Conflict,
  [InterventionRejection.NeglectClockNotRunning]: ErrorCode.Conflict,
  [InterventionRejection.GroundNotMet]: ErrorCode.IllegalTransition,
  [InterventionRejection.UnknownPetitioner]: ErrorCode.IllegalTransition,
  [InterventionRejection.CaseNotClosable]: ErrorCode.IllegalTransition,
  [InterventionRejection.CaseClosed]: ErrorCode.Conflict,
  [InterventionRejection.CaseNotClosed]: ErrorCode.Conflict,
  [InterventionRejection.NoCourtDesignation]: ErrorCode.IllegalTransition,
  [InterventionRejection.ArrangementNotAllowed]: ErrorCode.IllegalTransition,
};

export function isDomainFailure(type: string | null | undefined): type is DomainFailure {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(DOMAIN_FAILURE_CODES, type);
}

/**
 * A command a workflow's update validator or handler rejected, as the answer its failure type names. "Not yours"
 * answers like "not there" and "not permitted" says no more; the others keep the workflow's reason, which names the
 * clause. A rejection whose type is not in the catalogue is still the caller's command refused: 422.
 */
export function rejectedCommand(err: unknown): AppError | undefined {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return undefined;
  const { type, message } = err.cause;
  if (!isDomainFailure(type)) {
    return new AppError(ErrorCode.IllegalTransition, message, { rejection: type ?? 'Rejected' });
  }
  const code = DOMAIN_FAILURE_CODES[type];
  if (code === ErrorCode.NotFound) return new AppError(code, 'Not found');
  if (code === ErrorCode.Forbidden) return new AppError(code, 'Not permitted');
  if (code === ErrorCode.Internal) return new AppError(code, 'Internal error');
  return new AppError(code, message, { rejection: type });
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    let appError: AppError;
    const rejected = rejectedCommand(err);
    if (err instanceof AppError) appError = err;
    else if (rejected) appError = rejected;
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
