/**
 * Routing a report to the child's case (activities/intake.ts): one signal-with-start of the case, every time, and
 * nothing else. The child's ledger monitoring is told by the case once its first projection is written
 * (tellLedgerOfOpenCase, test/workflows/ledger-case-window.test.ts), not by routing (issue #19: one Temporal round trip
 * fewer per report about a known child). The Temporal client is a recorder of the calls made.
 */
import type { Client } from '@temporalio/client';
import { createIntakeActivities, type RouteReportInput } from '../../../activities/intake';
import { caseWorkflowId } from '../../../workflows/definitions';

function recordingClient() {
  const calls: string[] = [];
  const record =
    (method: string) =>
    (...args: unknown[]) => {
      const options = args[1] as { workflowId?: string; signal?: { name: string } } | undefined;
      calls.push(`${method} ${options?.workflowId ?? String(args[0])} ${options?.signal?.name ?? ''}`.trim());
      return Promise.resolve({});
    };
  const client = {
    workflow: {
      signalWithStart: record('signalWithStart'),
      start: record('start'),
      getHandle: (workflowId: string) => ({ signal: record(`signal ${workflowId}`) }),
    },
  };
  return { client: client as unknown as Client, calls };
}

const input: RouteReportInput = {
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
};

describe('routeReportToCase', () => {
  it("signals-with-start the child's case and makes no other call", async () => {
    const { client, calls } = recordingClient();
    const { routeReportToCase } = createIntakeActivities({ client, taskQueue: 'q', reports: {} as never });
    await expect(routeReportToCase(input)).resolves.toEqual({ caseWorkflowId: caseWorkflowId('child-1') });
    expect(calls).toEqual([`signalWithStart ${caseWorkflowId('child-1')} reportFiled`]);
  });
});
