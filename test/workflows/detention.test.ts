import { randomUUID } from 'node:crypto';
import {
  detentionNoticeStatusQuery,
  detentionWorkflowId,
  type DetentionNoticeStatus,
} from '../../workflows/definitions';
import type { detentionNoticeWorkflow } from '../../workflows/detention.workflow';
import { placementStatusQuery } from '../../workflows/intervention.definitions';
import { addDuration } from '../../policies/duration';
import { testAgencies, testPolicyPack } from '../fixtures/policy-pack';
import {
  acceptAndComplete,
  createHarness,
  eventually,
  maybeRecordHistory,
  taskStatus,
  withWorker,
  type Harness,
} from './harness';

jest.setTimeout(60_000); // each test starts its own time-skipping Temporal server and worker and drives a case through workflow months

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});

describe('detention notices (CN 三(四))', () => {
  it('opens a care-arrangement task only for the detained adult’s children who need entrusted care', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const noticeId = randomUUID();
      const handle = await env.client.workflow.start<typeof detentionNoticeWorkflow>('detentionNoticeWorkflow', {
        workflowId: detentionWorkflowId(noticeId),
        taskQueue,
        args: [
          {
            noticeId,
            detainingAgencyId: testAgencies.police_station,
            detainedPersonRef: 'person-77',
            detainedAt: new Date(await env.currentTimeMs()).toISOString(),
            minorChildren: [
              { childId: 'child-a', needsEntrustedCare: true },
              { childId: 'child-b', needsEntrustedCare: false },
            ],
            pack: testPolicyPack,
            agencies: testAgencies,
          },
        ],
      });
      const status: DetentionNoticeStatus = await eventually(async () => {
        const s = await handle.query(detentionNoticeStatusQuery);
        expect(s.openTaskIds).toHaveLength(1);
        return s;
      });
      const [taskId] = status.openTaskIds;
      const task = await eventually(() => taskStatus(env, taskId));
      // The pack assigns the arrangement to the police substation, with the detaining police collaborating.
      expect(task).toMatchObject({
        kind: 'detention_care_arrangement',
        agencyId: testAgencies.police_substation,
        collaboratingAgencyIds: [testAgencies.police_station],
      });

      const now = await env.currentTimeMs();
      await acceptAndComplete(
        env,
        taskId,
        { userId: 'officer-9', agencyId: testAgencies.police_substation },
        {
          kind: 'detention_care_arrangement',
          arrangement: 'entrusted_to_relative',
          caregiverName: 'Zhao Min',
          handover: {
            receiverName: 'Zhao Min',
            receiverRole: 'relative',
            relation: 'grandmother',
            handedOverAt: new Date(now).toISOString(),
            documentRef: 'HO-D-1',
            childCanExpressView: false,
          },
        },
      );
      const result = await handle.result();
      expect(result.arrangements).toEqual([
        {
          childId: 'child-a',
          taskId,
          result: expect.objectContaining({
            status: 'completed',
            outcome: expect.objectContaining({ arrangement: 'entrusted_to_relative' }),
          }),
        },
      ]);
      await maybeRecordHistory(handle, 'detention-notice');
    });
  });

  it('CN 三(四), 四(三): a child the street office places after a detention is in short-term temporary guardianship with its cap', async () => {
    await withWorker(h, async ({ env, taskQueue }) => {
      const noticeId = randomUUID();
      const handle = await env.client.workflow.start<typeof detentionNoticeWorkflow>('detentionNoticeWorkflow', {
        workflowId: detentionWorkflowId(noticeId),
        taskQueue,
        args: [
          {
            noticeId,
            detainingAgencyId: testAgencies.police_station,
            detainedPersonRef: 'person-78',
            detainedAt: new Date(await env.currentTimeMs()).toISOString(),
            minorChildren: [{ childId: 'child-c', needsEntrustedCare: true }],
            pack: testPolicyPack,
            agencies: testAgencies,
          },
        ],
      });
      const [taskId] = (
        await eventually(async () => {
          const s = await handle.query(detentionNoticeStatusQuery);
          expect(s.openTaskIds).toHaveLength(1);
          return s;
        })
      ).openTaskIds;
      await acceptAndComplete(
        env,
        taskId,
        { userId: 'officer-9', agencyId: testAgencies.police_substation },
        { kind: 'detention_care_arrangement', arrangement: 'placed_by_street_office' },
      );
      const result = await handle.result();
      const placementId = result.arrangements[0]?.placementId;
      expect(placementId).toBe(`${detentionWorkflowId(noticeId)}/placement-1-short_term`);
      const placement = await eventually(() => env.client.workflow.getHandle(placementId!).query(placementStatusQuery));
      expect(placement).toMatchObject({
        term: 'short_term',
        status: 'running',
        agencyId: testAgencies.street_office,
        clause: testPolicyPack.placement.shortTermCap.clause,
      });
      const startedAt = result.arrangements[0]!.result.closedAt;
      expect(placement.endsAt).toBe(
        addDuration(new Date(startedAt), testPolicyPack.placement.shortTermCap.duration).toISOString(),
      );
      await maybeRecordHistory(handle, 'detention-notice-placed-by-street-office');
    });
  });
});
