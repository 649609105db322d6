/** What a reporter is told about their report (api/intake/report-status.ts): plain words from the case stage. */
import { REPORT_STATUS_LABELS, REPORT_STATUSES, reportStatusOf } from '../../../api/intake/report-status';

describe('a report status for its filer', () => {
  it.each([
    [undefined, 'received'],
    [null, 'received'],
    ['awaiting_report', 'received'],
    ['emergency_response', 'police_responding'],
    ['placement_pending', 'placement'],
    ['short_term_guardianship', 'placement'],
    ['long_term_guardianship', 'placement'],
    ['escort', 'placement'],
    ['assessment', 'in_assessment'],
    ['monitoring', 'in_care'],
    ['services', 'in_care'],
    ['closed', 'closed'],
  ] as const)('shows stage %s as %s', (stage, status) => {
    expect(reportStatusOf(stage)).toBe(status);
  });

  it('labels every status in Chinese with English alongside', () => {
    expect(Object.keys(REPORT_STATUS_LABELS).sort()).toEqual([...REPORT_STATUSES].sort());
    expect(REPORT_STATUS_LABELS).toEqual({
      received: { zh: '已受理', en: 'Received' },
      police_responding: { zh: '公安正在处置', en: 'Police responding' },
      placement: { zh: '正在安置儿童', en: 'Placing the child in safety' },
      in_assessment: { zh: '正在评估', en: 'Being assessed' },
      in_care: { zh: '已转介帮扶', en: 'Referred for support' },
      closed: { zh: '已结案', en: 'Closed' },
    });
  });
});
