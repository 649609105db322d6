/** The reconciler's AttentionStore over MongoDB: reports and the case read model. */
import { CaseModel, type CaseRecord } from '../../models/case';
import { withProjectionLock } from '../../models/projection-lock';
import { ReportModel, type ReportRecord } from '../../models/report';
import type { AttentionStore } from '../reconciler';

export function createMongoAttentionStore(): AttentionStore {
  return {
    async caseDistrict(caseId) {
      const found = await CaseModel.findOne({ workflowId: caseId })
        .select({ jurisdiction: 1 })
        .lean<CaseRecord>()
        .exec();
      return found?.jurisdiction?.districtCode ?? undefined;
    },

    async casesWithoutFirstResponse(filedAfter, filedBefore) {
      const reports = await ReportModel.find({ reportedAt: { $gt: filedAfter } })
        .select({ caseWorkflowId: 1, reportedAt: 1, place: 1 })
        .lean<ReportRecord[]>()
        .exec();
      const due = reports.filter(
        (r) => r.caseWorkflowId && r.reportedAt.getTime() < filedBefore(r.place.districtCode).getTime(),
      );
      const caseIds = [...new Set(due.map((r) => r.caseWorkflowId!))];
      if (caseIds.length === 0) return [];
      const cases = await CaseModel.find({ workflowId: { $in: caseIds } })
        .select({ workflowId: 1, stage: 1 })
        .lean<CaseRecord[]>()
        .exec();
      // A case past its first step has (or had) its first-response task; no read model or none yet is the gap.
      const answered = new Set(cases.filter((c) => c.stage && c.stage !== 'awaiting_report').map((c) => c.workflowId));
      const missing = new Map<string, string>();
      for (const r of due) if (!answered.has(r.caseWorkflowId!)) missing.set(r.caseWorkflowId!, r.place.districtCode);
      return [...missing].map(([caseId, districtCode]) => ({ caseId, districtCode }));
    },

    async flagged({ caseId, reason }) {
      return (await CaseModel.countDocuments({ workflowId: caseId, 'attention.reason': reason }).exec()) > 0;
    },

    async flag({ caseId, districtCode, reason }, at) {
      // The projection's writer holds the same lock: FerretDB v1 does not make concurrent updates of a document atomic.
      // A case's first projection is an unlocked insert (projection-repository.ts): the place and stage are set only
      // if this write creates the document, so a projection that landed first keeps its own.
      await withProjectionLock(`case:${caseId}`, async () => {
        await CaseModel.updateOne(
          { workflowId: caseId },
          {
            $set: { attention: { reason, since: at } },
            $setOnInsert: { jurisdiction: { districtCode }, stage: 'awaiting_report' },
          },
          { upsert: true },
        ).exec();
      });
    },
  };
}
