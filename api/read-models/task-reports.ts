/**
 * The reports about a child as a responding agency reads them: the reporter's account, the concerns, the place of
 * discovery by name with its address, the reporting unit and how to reach the reporter, newest first. The reports
 * of this case first, then earlier reports about the same child (a pattern the police must see).
 */
import type { Types } from 'mongoose';
import type { TaskReport } from '../../contracts/tasks';
import { AgencyModel, type AgencyRecord } from '../../models/agency';
import { ReportModel, type ReportRecord } from '../../models/report';

/** Task kinds that act on what the reporter saw (CN 四(二), 四(三)). */
export const TASKS_THAT_READ_REPORTS = new Set(['police_response', 'urgent_placement', 'joint_assessment']);

const LIMIT = 20;

export async function reportsForTask(
  childId: Types.ObjectId,
  caseWorkflowId: string | undefined,
): Promise<TaskReport[]> {
  const reports = await ReportModel.find({ childId })
    .sort({ reportedAt: -1 })
    .limit(LIMIT)
    .lean<ReportRecord[]>()
    .exec();
  const districts = [...new Set(reports.map((r) => r.place.districtCode))];
  const places = districts.length
    ? await AgencyModel.find({
        'jurisdiction.districtCode': { $in: districts },
        level: { $in: ['street_township', 'committee'] },
        type: { $in: ['street_office', 'residents_committee', 'villagers_committee'] },
      })
        .select({ name: 1, type: 1, jurisdiction: 1 })
        .lean<AgencyRecord[]>()
        .exec()
    : [];
  const streetName = (district: string, street?: string | null) =>
    places.find(
      (a) =>
        a.type === 'street_office' &&
        a.jurisdiction?.districtCode === district &&
        a.jurisdiction?.streetCode === street,
    )?.name;
  const committeeName = (district: string, committee?: string | null) =>
    places.find(
      (a) =>
        a.type !== 'street_office' &&
        a.jurisdiction?.districtCode === district &&
        a.jurisdiction?.committeeCode === committee,
    )?.name;
  const views = reports.map((r): TaskReport => {
    const street = r.place.streetCode ? streetName(r.place.districtCode, r.place.streetCode) : undefined;
    const committee = r.place.committeeCode ? committeeName(r.place.districtCode, r.place.committeeCode) : undefined;
    return {
      receipt: r.receiptNumber,
      reportedAt: r.reportedAt.toISOString(),
      discoveredAt: r.discoveredAt.toISOString(),
      concerns: r.concernTypes,
      account: r.account,
      place: {
        ...(street ? { street: { zh: street.zh, en: street.en } } : {}),
        ...(committee ? { committee: { zh: committee.zh, en: committee.en } } : {}),
        ...(r.place.address ? { address: r.place.address } : {}),
      },
      reporter: {
        ...(r.reportingUnit?.name ? { unitName: r.reportingUnit?.name } : {}),
        unitType: r.reportingUnit?.type ?? 'individual',
        name: r.reporter?.name ?? '',
        ...(r.reporter?.phone ? { phone: r.reporter?.phone } : {}),
        ...(r.reporter?.email ? { email: r.reporter?.email } : {}),
      },
      thisCase: caseWorkflowId !== undefined && r.caseWorkflowId === caseWorkflowId,
    };
  });
  return [...views.filter((v) => v.thisCase), ...views.filter((v) => !v.thisCase)];
}
