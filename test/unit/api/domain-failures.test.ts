/**
 * The catalogue of domain failures (workflows/failures.ts) and its one mapping to HTTP (api/middleware/error-handler.ts).
 * The integration tests (tasks, interventions) show the answers end to end; this covers every catalogued name.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorCode } from '../../../common/errors';
import { CaseFailure, InterventionRejection, TaskRejection } from '../../../workflows/failures';
import { DOMAIN_FAILURE_CODES, isDomainFailure, rejectedCommand } from '../../../api/middleware/error-handler';

const rejection = (type: string | undefined, message = 'CN 四(四)3: 先批评教育，再出具告诫书') =>
  new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type, message }));

describe('the catalogue of domain failures', () => {
  test('maps every task, intervention and case failure the workflows name to one answer', () => {
    const names = [
      ...Object.values(TaskRejection),
      ...Object.values(CaseFailure),
      ...Object.values(InterventionRejection),
    ];
    for (const name of names) expect(isDomainFailure(name)).toBe(true);
    expect(Object.keys(DOMAIN_FAILURE_CODES).sort()).toEqual([...new Set(names)].sort());
    expect(isDomainFailure('toString')).toBe(false);
  });

  test.each([
    [TaskRejection.TaskClosed, ErrorCode.Conflict, 409],
    [TaskRejection.TaskNotAccepted, ErrorCode.Conflict, 409],
    [TaskRejection.ConcernNotAddressed, ErrorCode.IllegalTransition, 422],
    [InterventionRejection.IllegalLegalStep, ErrorCode.IllegalTransition, 422],
    [InterventionRejection.NeglectClockRunning, ErrorCode.Conflict, 409],
  ])('a rejected command of type %s answers %s (%d) with the reason and the rejection name', (type, code, status) => {
    const error = rejectedCommand(rejection(type));
    expect(error).toMatchObject({ code, status, details: { rejection: type } });
    expect(error?.message).toContain('告诫书');
  });

  test('"not yours" answers like "not there", and "not permitted" says nothing more', () => {
    expect(rejectedCommand(rejection(TaskRejection.WrongAgency))).toMatchObject({
      code: ErrorCode.NotFound,
      message: 'Not found',
      details: undefined,
    });
    expect(rejectedCommand(rejection(InterventionRejection.NotCoordinator))).toMatchObject({
      code: ErrorCode.Forbidden,
      message: 'Not permitted',
      details: undefined,
    });
  });

  test('an uncatalogued rejection is still a refused command (422); anything else is not a rejection', () => {
    expect(rejectedCommand(rejection(undefined))).toMatchObject({
      code: ErrorCode.IllegalTransition,
      details: { rejection: 'Rejected' },
    });
    expect(rejectedCommand(new Error('boom'))).toBeUndefined();
    expect(rejectedCommand(new WorkflowUpdateFailedError('failed', new Error('not an application failure')))).toBe(
      undefined,
    );
  });
});
