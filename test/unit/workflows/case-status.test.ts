/**
 * The case's status query names the stage from the tasks it returns beside it. A CI run once saw an urgent placement
 * task listed while the stage still said emergency response: the stage had been stored at the last projection, and the
 * query came between the task opening and the next one.
 */
import { caseStatus, initialCaseState } from '../../../workflows/case.workflow';
import type { CaseState, CaseTaskSummary, CaseWorkflowInput, ReportRecord } from '../../../workflows/definitions';

const task = (kind: CaseTaskSummary['kind'], status: CaseTaskSummary['status']): CaseTaskSummary => ({
  taskId: `case-x/task-${kind}`,
  kind,
  agencyId: 'cn.street.huayang',
  status,
  createdAt: '2026-01-01T00:00:00.000Z',
  acceptBy: '2026-01-01T00:15:00.000Z',
  completeBy: '2026-01-01T01:00:00.000Z',
  acceptClause: 'CN 四(二)',
  completeClause: 'CN 四(二)',
});

function stateAfterPoliceFoundNobody(): CaseState {
  const state = initialCaseState({
    caseId: 'case-x',
    childId: 'child-x',
    pack: { id: 'cn', version: '1' },
  } as unknown as CaseWorkflowInput);
  state.reports.push({ reportId: 'r1' } as ReportRecord);
  state.stage = 'emergency_response'; // as the last projection stored it
  state.tasks.push(task('police_response', 'completed'), task('urgent_placement', 'open'));
  return state;
}

describe('case status', () => {
  it('answers a query with the stage of the tasks it lists, not the one stored at the last projection', () => {
    const status = caseStatus(stateAfterPoliceFoundNobody(), true);
    expect(status.openTasks.map((t) => t.kind)).toEqual(['urgent_placement']);
    expect(status.state.stage).toBe('placement_pending');
  });

  it('before the run has projected once (it does not yet know its patches), answers the stage it carries', () => {
    expect(caseStatus(stateAfterPoliceFoundNobody()).state.stage).toBe('emergency_response');
  });

  it('does not change the state it was given', () => {
    const state = stateAfterPoliceFoundNobody();
    caseStatus(state, true);
    expect(state.stage).toBe('emergency_response');
  });
});
