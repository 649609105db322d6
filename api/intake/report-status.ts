/** A report's status in plain words for the person who filed it (contracts/enums.ts REPORT_STATUSES). */
import { REPORT_STATUSES, type ReportStatus } from '../../contracts/enums';

export { REPORT_STATUSES, type ReportStatus };

export const REPORT_STATUS_LABELS: Record<ReportStatus, { zh: string; en: string }> = {
  received: { zh: '已受理', en: 'Received' },
  police_responding: { zh: '公安正在处置', en: 'Police responding' },
  placement: { zh: '正在安置儿童', en: 'Placing the child in safety' },
  in_assessment: { zh: '正在评估', en: 'Being assessed' },
  in_care: { zh: '已转介帮扶', en: 'Referred for support' },
  closed: { zh: '已结案', en: 'Closed' },
};

/** From the case stage (projection) to what the reporter sees; no case yet means the intake is still recording. */
export function reportStatusOf(stage: string | null | undefined): ReportStatus {
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
      return 'placement';
    case 'assessment':
      return 'in_assessment';
    case 'closed':
      return 'closed';
    default:
      return 'in_care';
  }
}
