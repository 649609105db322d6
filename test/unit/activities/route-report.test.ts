/**
 * Routing a report to the child's case (activities/intake.ts): the case is signalled-with-start every time; the child's
 * ledger workflow is told the case opened only when the child's file existed before this report (issue #18), since a
 * ledger workflow's id is derived from the file's id and a file the report has just opened has none (issue #19: one
 * Temporal round trip fewer per report about a new child). The Temporal client is a recorder of the calls made.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { createIntakeActivities, type RouteReportInput } from '../../../activities/intake';
import { caseWorkflowId } from '../../../workflows/definitions';
import { ledgerWorkflowId } from '../../../workflows/ledger.definitions';

function recordingClient(ledgerRuns: boolean) {
  const calls: string[] = [];
  const client = {
    workflow: {
      async signalWithStart(_workflow: unknown, options: { workflowId: string; signal: { name: string } }) {
        calls.push(`signalWithStart ${options.workflowId} ${options.signal.name}`);
        return {};
      },
      getHandle(workflowId: string) {
        return {
          async signal(signal: { name: string }) {
            calls.push(`signal ${workflowId} ${signal.name}`);
            if (!ledgerRuns) throw new WorkflowNotFoundError('not found', workflowId, undefined);
          },
        };
      },
    },
  };
  return { client: client as unknown as Client, calls };
}

const input = (childFileOpened?: true): RouteReportInput => ({
  report: {
    reportId: 'report-1',
    childId: 'child-1',
    reporter: { unitId: 'school-1', unitType: 'school' },
    concerns: ['neglect'],
    discoveredAt: '2026-11-30T08:00:00.000Z',
    reportedAt: '2026-11-30T09:00:00.000Z',
    leftBehind: false,
  },
  pack: { id: 'cn-changning', version: '1.3.0' },
  agencies: { police_station: 'police-1' },
  ...(childFileOpened ? { childFileOpened } : {}),
});

describe('routeReportToCase', () => {
  it('tells the ledger workflow of a child whose file existed that the case opened', async () => {
    const { client, calls } = recordingClient(true);
    const { routeReportToCase } = createIntakeActivities({ client, taskQueue: 'q', reports: {} as never });
    await expect(routeReportToCase(input())).resolves.toEqual({ caseWorkflowId: caseWorkflowId('child-1') });
    expect(calls).toEqual([
      `signalWithStart ${caseWorkflowId('child-1')} reportFiled`,
      `signal ${ledgerWorkflowId('child-1')} ledgerCaseOpened`,
    ]);
  });

  it('takes a missing ledger workflow of a known child as nothing to tell', async () => {
    const { client, calls } = recordingClient(false);
    const { routeReportToCase } = createIntakeActivities({ client, taskQueue: 'q', reports: {} as never });
    await expect(routeReportToCase(input())).resolves.toEqual({ caseWorkflowId: caseWorkflowId('child-1') });
    expect(calls).toHaveLength(2);
  });

  it('does not look for a ledger workflow of a child whose file this report opened', async () => {
    const { client, calls } = recordingClient(true);
    const { routeReportToCase } = createIntakeActivities({ client, taskQueue: 'q', reports: {} as never });
    await expect(routeReportToCase(input(true))).resolves.toEqual({ caseWorkflowId: caseWorkflowId('child-1') });
    expect(calls).toEqual([`signalWithStart ${caseWorkflowId('child-1')} reportFiled`]);
  });
});
