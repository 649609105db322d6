/**
 * Accountability activities (issue #17 item 6): who a late reporting unit answers to (CN 四(一) "其上级机关和有关部门
 * 要严肃追责"), and the report of a task that ran through its whole escalation ladder to the agency's oversight
 * workflow, which refers the agency to the district procuratorate after the pack's number of such tasks in its period
 * (FT 三(三)2(4)). The oversight workflow is started on the first report (signal-with-start, one per agency), so the
 * count survives restarts and a retried report is counted once (the workflow dedupes by task and phase).
 */
import type { Client } from '@temporalio/client';
import type { AgencyType } from '../policies/schema';
import { oversightWorkflow } from '../workflows/oversight.workflow';
import {
  ladderExhaustedSignal,
  oversightWorkflowId,
  type LadderExhaustion,
  type PackRef,
  type ReferralRule,
} from '../workflows/definitions';

/** The directory reads the activities need (models/agency-directory.ts in the worker, a map in the tests). */
export interface AccountabilityDirectory {
  /** The agency of `type` the unit answers to: its own street's office, or its district's bureau; null if none. */
  superiorOf(unitId: string, type: AgencyType): Promise<string | null>;
  /** The procuratorate of the agency's district; null when the agency or its district has none. */
  procuratorateFor(agencyId: string): Promise<{ agencyId: string; districtCode: string } | null>;
}

export interface ReportLadderExhaustedInput {
  exhaustion: LadderExhaustion;
  rule: ReferralRule;
  pack: PackRef;
}

export function createAccountabilityActivities({
  client,
  taskQueue,
  directory,
}: {
  client: Client;
  taskQueue: string;
  directory: AccountabilityDirectory;
}) {
  return {
    /** The superior agency of a reporting unit, by the agency type the pack names for the unit's type. */
    async superiorOf({ unitId, agencyType }: { unitId: string; agencyType: AgencyType }): Promise<string | null> {
      return directory.superiorOf(unitId, agencyType);
    },

    /**
     * Counts one exhausted ladder against its agency: signal-with-start of the agency's oversight workflow. Returns
     * the oversight workflow id, or null when the agency's district has no procuratorate to refer to.
     */
    async reportLadderExhausted({ exhaustion, rule, pack }: ReportLadderExhaustedInput): Promise<string | null> {
      const procuratorate = await directory.procuratorateFor(exhaustion.agencyId);
      if (!procuratorate) return null;
      const workflowId = oversightWorkflowId(exhaustion.agencyId);
      await client.workflow.signalWithStart(oversightWorkflow, {
        workflowId,
        taskQueue,
        args: [
          {
            agencyId: exhaustion.agencyId,
            districtCode: procuratorate.districtCode,
            procuratorateAgencyId: procuratorate.agencyId,
            rule,
            pack,
          },
        ],
        signal: ladderExhaustedSignal,
        signalArgs: [exhaustion],
      });
      return workflowId;
    },
  };
}

export type AccountabilityActivities = ReturnType<typeof createAccountabilityActivities>;
