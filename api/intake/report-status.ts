/** A report's status in plain words for the person who filed it (contracts/enums.ts REPORT_STATUSES). */
import { REPORT_STATUSES, type ReportStatus } from '../../contracts/enums';

export { REPORT_STATUSES, type ReportStatus };

export const REPORT_STATUS_LABELS: Record<ReportStatus, { zh: string; en: string }> = {
  // Never 已受理 before an agency has the report: "filed" is all that is true until the police task exists.
  received: { zh: '已提交，正在转交公安', en: 'Filed; being passed to the police' },
  police_responding: { zh: '已转交派出所，公安正在处置', en: 'With the police station; police responding' },
  placement: { zh: '正在安置儿童', en: 'Placing the child in safety' },
  in_assessment: { zh: '正在评估', en: 'Being assessed' },
  in_care: { zh: '已转介帮扶', en: 'Referred for support' },
  closed: { zh: '已结案', en: 'Closed' },
  needs_attention: {
    zh: '转交遇到问题，区协调员正在跟进',
    en: 'Held up; the district coordinators are following it up',
  },
};

/** From the case stage (projection) to what the reporter sees; no case yet means the intake is still recording. */
export function reportStatusOf(
  stage: string | null | undefined,
  attention?: { reason?: string | null } | null,
): ReportStatus {
  // A case the reconciler flagged is not running as it should: say so, whatever its last stage was.
  if (attention?.reason) return 'needs_attention';
  switch (stage) {
    case undefined:
    case null:
    case 'awaiting_report':
      return 'received';
    case 'emergency_response':
      return 'police_responding';
    case 'placement_pending':
    case 'short_term_guardianship':
    case 'long_term_guardianship':
    case 'escort':
    case 'permanent_arrangement':
      return 'placement';
    case 'assessment':
      return 'in_assessment';
    case 'closed':
      return 'closed';
    default:
      return 'in_care';
  }
}
